//! TableTap's public HTTP API.
//!
//! Every route is one handler taking a `lambda_http::Request`. In AWS each
//! route is its own Lambda function behind API Gateway; locally the same
//! handlers are served by one process. Errors become responses in exactly
//! one place, [`error`].

pub mod auth;
pub mod cors;
pub mod error;
mod handlers;
pub mod request;
pub mod routes;
pub mod sales_csv;
pub mod state;
pub mod views;

pub use routes::{Handler, ROUTES, Route, handle, serve};
pub use state::{AppState, Payments};
