//! Shared helpers for the tests of the generated `miteos` crate.
//!
//! The doctests below check what must not compile: ids of different resources are different
//! types, so a swapped pair is a compile error, while the right order (and plain text) compiles.
//!
//! ```
//! # fn call(client: &miteos::Client, agent: miteos::types::AgentId, approval: miteos::types::ApprovalId) {
//! let _ = client.agents().approve(agent, approval);
//! let _ = client.agents().approve("agnt_7hQ2mZp1", "apr_1");
//! # }
//! ```
//!
//! ```compile_fail,E0277
//! # fn call(client: &miteos::Client, agent: miteos::types::AgentId, approval: miteos::types::ApprovalId) {
//! let _ = client.agents().approve(approval, agent);
//! # }
//! ```
//!
//! ```compile_fail,E0277
//! # fn call(client: &miteos::Client, task: miteos::types::TaskResponse) {
//! let _ = client.agents().pause(task.id);
//! # }
//! ```

pub mod prism;
pub mod server;
