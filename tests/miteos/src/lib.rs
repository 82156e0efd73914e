//! Shared helpers for the tests of the generated `miteos` crate.
//!
//! The doctests below check what must not compile: ids of different resources are different
//! types, so a swapped pair is a compile error, while the right order (and plain text) compiles;
//! a required body is an argument, so a call without one is a compile error too.
//!
//! ```
//! # fn call(client: &miteos::Client, agent: miteos::types::AgentId, approval: miteos::types::ApprovalId) {
//! use miteos::types::ApprovalRequest;
//! let _ = client.agents().approve(agent, approval, ApprovalRequest::new(true));
//! let _ = client.agents().approve("agnt_7hQ2mZp1", "apr_1", ApprovalRequest::new(true));
//! # }
//! ```
//!
//! ```compile_fail,E0277
//! # fn call(client: &miteos::Client, agent: miteos::types::AgentId, approval: miteos::types::ApprovalId) {
//! use miteos::types::ApprovalRequest;
//! let _ = client.agents().approve(approval, agent, ApprovalRequest::new(true));
//! # }
//! ```
//!
//! ```compile_fail,E0277
//! # fn call(client: &miteos::Client, task: miteos::types::TaskResponse) {
//! let _ = client.agents().pause(task.id);
//! # }
//! ```
//!
//! ```
//! # fn call(client: &miteos::Client) {
//! use miteos::types::{GuideRequest, TaskCreate};
//! let _ = client.tasks().create(TaskCreate::new("Build a landing page")).send();
//! let _ = client.agents().guide("agnt_1", GuideRequest::new("Use the blue theme")).send();
//! # }
//! ```
//!
//! ```compile_fail,E0061
//! # fn call(client: &miteos::Client) {
//! let _ = client.tasks().create().send();
//! # }
//! ```

pub mod prism;
pub mod server;
