//! Test helpers for the end-to-end suite; each test uses some of them.
#![allow(dead_code)]

pub mod broker;
pub mod certs;
pub mod cloud;
pub mod escpos_text;
pub mod kitchen;
pub mod listener_process;
pub mod virtual_printer;
