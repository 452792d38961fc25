//! Comparing our server with a baseline: both must answer alike before either is measured.

use bytes::Bytes;

use crate::load::Target;

/// Both servers must answer each scenario with the same JSON, or the comparison means nothing.
pub fn check_same_answers(scenarios: &[(&str, &str, Target)]) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        for pair in scenarios.chunks(2) {
            let mut bodies = Vec::new();
            for (_, _, target) in pair {
                bodies.push(fetch(target).await?);
            }
            let parsed: Vec<serde_json::Value> = bodies
                .iter()
                .map(|b| serde_json::from_slice(b))
                .collect::<Result<_, _>>()?;
            anyhow::ensure!(
                parsed[0] == parsed[1],
                "the two servers answer differently:\n{}\n{}",
                parsed[0],
                parsed[1]
            );
        }
        Ok(())
    })
}

pub async fn fetch(target: &Target) -> anyhow::Result<Bytes> {
    use http_body_util::{BodyExt, Full};
    let stream = tokio::net::TcpStream::connect(target.addr).await?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut request = http::Request::builder()
        .method(target.method.clone())
        .uri(&target.path)
        .header("host", target.addr.to_string());
    for (name, value) in &target.headers {
        request = request.header(*name, value);
    }
    let response = sender
        .send_request(request.body(Full::new(target.body.clone()))?)
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "status {}",
        response.status()
    );
    Ok(response.into_body().collect().await?.to_bytes())
}
