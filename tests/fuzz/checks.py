"""What the fuzzer holds the portal to, loaded by schemathesis through SCHEMATHESIS_HOOKS.

Schemathesis's own `not_a_server_error` calls every error with a `path` a server error unless
it carries one of a few Apollo codes; our refusals (FORBIDDEN, NOT_FOUND, UNAUTHENTICATED...)
are answers, not failures. The portal promises more than that check asks: every error carries a
stable `code`, and none of them is INTERNAL_SERVER_ERROR. This check holds it to that, and to
no 5xx and a JSON object for every answer. Response time is checked by `max_response_time`.
"""

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes


@schemathesis.check
def answers_without_server_error(ctx, response, case):
    """No 5xx, a JSON object, and every error with a stable code other than INTERNAL_SERVER_ERROR."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:500]}")
    try:
        payload = response.json()
    except ValueError as exc:
        raise AssertionError(f"not JSON ({exc}): {response.text[:500]}") from exc
    if not isinstance(payload, dict):
        raise AssertionError(f"not a JSON object: {response.text[:500]}")
    for error in payload.get("errors") or []:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        if not isinstance(code, str):
            raise AssertionError(f"an error without a code: {error}")
        if code == "INTERNAL_SERVER_ERROR":
            raise AssertionError(f"INTERNAL_SERVER_ERROR: {error}")


# `Upload` values travel as multipart parts; inline, any string or null must be refused cleanly.
schemathesis.graphql.scalar(
    "Upload", st.one_of(st.text(max_size=40).map(nodes.String), st.just(nodes.Null))
)
