//! The owner's back office: the restaurant file (settings, menu, tables),
//! the tables' QR codes and the restaurant's staff. The same use cases
//! serve the owner pages, the local command line and `tabletap-ops`.

pub mod photos;
pub mod restaurant;
pub mod staff;
pub mod tables;
