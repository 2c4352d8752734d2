//! One module per use case. Each takes the narrow ports it needs.

pub mod get_menu;
pub mod get_order;
pub mod get_table;
pub mod import_restaurant;
pub mod place_dine_in_order;
pub mod quote_cart;
pub mod record_print_ack;
pub mod rotate_table_token;
