//! TableTap kitchen listener: takes ticket messages from the restaurant's
//! MQTT topics (AWS IoT Core or the local broker, mutual TLS), prints them on
//! the kitchen's ESC/POS printers and acknowledges each message only once
//! the printer took the job.
//!
//! The tree follows the data: [`mqtt`] receives, [`dispatch`] routes a ticket
//! to the printer for its station, [`worker`] prints it ([`render`] +
//! [`printer`]), remembers it in the [`journal`] and acknowledges.

pub mod backoff;
pub mod commands;
pub mod config;
pub mod dispatch;
pub mod journal;
pub mod mqtt;
pub mod printer;
pub mod render;
pub mod shutdown;
pub mod tls;
pub mod worker;
