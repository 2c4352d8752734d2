//! The owner's back office: the restaurant file (settings, menu, tables)
//! and the tables' QR codes. The same use cases serve the owner pages, the
//! local command line and `tabletap-ops`.

pub mod photos;
pub mod restaurant;
pub mod tables;
