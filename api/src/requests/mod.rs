//! Support requests (issue 5). So far: the lifecycle state machine of SPEC §5.

pub mod lifecycle;
