//! One module per use case. Each takes the narrow ports it needs.

pub mod dispatch_accepted_orders;
pub mod expire_unpaid_orders;
pub mod get_menu;
pub mod get_order;
pub mod get_pickup_times;
pub mod get_table;
pub mod handle_payment_event;
pub mod import_restaurant;
pub mod list_delivery_alerts;
pub mod owner;
pub mod place_dine_in_order;
pub mod place_takeout_order;
pub mod quote_cart;
pub mod record_print_ack;
pub mod redeliver_unprinted_tickets;
pub mod rotate_table_token;
pub mod sales_report;
pub mod staff;
