//! Sample records for tests in this crate and in adapters' contract tests
//! (enabled with the `fixtures` feature). Never used by production code.

use crate::cart::{CartLineRequest, CartRequest, price_cart};
use crate::ids::{CategoryId, ItemId, OptionGroupId, OptionId, RestaurantId, StationId, TableId};
use crate::menu::{Allergen, Category, DietaryTag, Item, Menu, MenuOption, OptionGroup};
use crate::money::{Amount, Currency, TaxRate};
use crate::order::{Channel, Customer, NewOrder, Order, OrderId, OrderStatus};
use crate::restaurant::{Restaurant, TaxMode};
use crate::token::AccessToken;
use jiff::Timestamp;

fn option(id: &str, name: &str, delta: i64) -> MenuOption {
    MenuOption {
        id: OptionId::parse(id).unwrap(),
        name: name.into(),
        price_delta: Amount(delta),
        available: true,
    }
}

/// A small menu used across the domain tests: a pizza with a required
/// size and up to two extras, a sold-out soup, a drink at another rate.
pub fn sample_menu() -> Menu {
    let vat = TaxRate::parse_percent("19").unwrap();
    let reduced = TaxRate::parse_percent("7").unwrap();
    Menu {
        restaurant_id: RestaurantId::parse("demo").unwrap(),
        currency: Currency::parse("EUR").unwrap(),
        categories: vec![
            Category {
                id: CategoryId::parse("pizza").unwrap(),
                name: "Pizza".into(),
                items: vec![
                    Item {
                        id: ItemId::parse("margherita").unwrap(),
                        name: "Margherita".into(),
                        description: "Tomato, mozzarella, basil".into(),
                        price: Amount(900),
                        image_url: None,
                        allergens: vec![Allergen::Gluten, Allergen::Milk],
                        dietary: vec![DietaryTag::Vegetarian],
                        station: StationId::parse("pizza").unwrap(),
                        tax_rate: vat,
                        available: true,
                        option_groups: vec![
                            OptionGroup {
                                id: OptionGroupId::parse("size").unwrap(),
                                name: "Size".into(),
                                min: 1,
                                max: 1,
                                options: vec![
                                    option("regular", "Regular", 0),
                                    option("large", "Large", 300),
                                ],
                            },
                            OptionGroup {
                                id: OptionGroupId::parse("extras").unwrap(),
                                name: "Extras".into(),
                                min: 0,
                                max: 2,
                                options: vec![
                                    option("olives", "Olives", 100),
                                    option("burrata", "Burrata", 350),
                                    MenuOption {
                                        available: false,
                                        ..option("truffle", "Truffle", 500)
                                    },
                                ],
                            },
                        ],
                    },
                    Item {
                        id: ItemId::parse("soup").unwrap(),
                        name: "Soup of the day".into(),
                        description: String::new(),
                        price: Amount(650),
                        image_url: None,
                        allergens: vec![Allergen::Celery],
                        dietary: vec![],
                        station: StationId::parse("kitchen").unwrap(),
                        tax_rate: vat,
                        available: false,
                        option_groups: vec![],
                    },
                ],
            },
            Category {
                id: CategoryId::parse("drinks").unwrap(),
                name: "Drinks".into(),
                items: vec![Item {
                    id: ItemId::parse("water").unwrap(),
                    name: "Still water".into(),
                    description: String::new(),
                    price: Amount(250),
                    image_url: None,
                    allergens: vec![],
                    dietary: vec![DietaryTag::Vegan],
                    station: StationId::parse("bar").unwrap(),
                    tax_rate: reduced,
                    available: true,
                    option_groups: vec![],
                }],
            },
        ],
    }
}

/// A Berlin restaurant with tax-inclusive prices.
pub fn berlin() -> Restaurant {
    Restaurant {
        id: RestaurantId::parse("demo").unwrap(),
        name: "Trattoria Demo".into(),
        currency: Currency::parse("EUR").unwrap(),
        locale: "de-DE".into(),
        time_zone: "Europe/Berlin".into(),
        tax_mode: TaxMode::Inclusive,
        default_tax_rate: TaxRate::parse_percent("19").unwrap(),
        dine_in_requires_approval: false,
        day_starts_at_hour: 4,
        takeout: Default::default(),
        order_limits: Default::default(),
    }
}

/// Margherita x2 (large) at table 7 of "demo", order A-042.
pub fn sample_order() -> Order {
    let cart = CartRequest {
        lines: vec![CartLineRequest {
            item_id: "margherita".into(),
            quantity: 2,
            options: vec!["large".into()],
            note: Some("well done".into()),
        }],
        note: Some("Birthday!".into()),
    };
    let priced = price_cart(&sample_menu(), TaxMode::Inclusive, &cart).unwrap();
    let at: Timestamp = "2026-11-21T18:03:00Z".parse().unwrap();
    Order::new(NewOrder {
        id: OrderId::new(at, 42),
        restaurant_id: RestaurantId::parse("demo").unwrap(),
        sequence: 42,
        business_date: "2026-11-21".parse().unwrap(),
        channel: Channel::DineIn {
            table_id: TableId::parse("7").unwrap(),
            table_label: "Table 7".into(),
        },
        priced,
        placed_at: at,
        access_token_digest: AccessToken::from_random_bytes([3; 16]).digest(),
        needs_approval: false,
    })
}

/// A paid takeout order T-007 of "demo" (Berlin, tax-inclusive), ACCEPTED
/// and ready to dispatch: a large Margherita with two extras and a line note,
/// two waters at the reduced rate (so the receipt shows two VAT rates), an
/// order note, and a customer with an email address for the receipt.
pub fn sample_takeout_order() -> Order {
    let cart = CartRequest {
        lines: vec![
            CartLineRequest {
                item_id: "margherita".into(),
                quantity: 1,
                options: vec!["large".into(), "olives".into(), "burrata".into()],
                note: Some("cut in 8 slices".into()),
            },
            CartLineRequest {
                item_id: "water".into(),
                quantity: 2,
                options: vec![],
                note: None,
            },
        ],
        note: Some("Please ring the bell at the side door".into()),
    };
    let priced = price_cart(&sample_menu(), TaxMode::Inclusive, &cart).unwrap();
    let at: Timestamp = "2026-11-21T17:41:00Z".parse().unwrap();
    let mut order = Order::new(NewOrder {
        id: OrderId::new(at, 7),
        restaurant_id: RestaurantId::parse("demo").unwrap(),
        sequence: 7,
        business_date: "2026-11-21".parse().unwrap(),
        channel: Channel::Takeout {
            customer: Customer {
                name: "Giulia Rossi".into(),
                email: "giulia.rossi@example.com".into(),
                phone: "+49 30 1234567".into(),
            },
            // 19:15 in Berlin (UTC+1 in November).
            pickup_at: "2026-11-21T18:15:00Z".parse().unwrap(),
        },
        priced,
        placed_at: at,
        access_token_digest: AccessToken::from_random_bytes([7; 16]).digest(),
        needs_approval: false,
    });
    // Paid a minute later (the verified payment webhook).
    order
        .transition(
            OrderStatus::Accepted,
            "2026-11-21T17:42:00Z".parse().unwrap(),
        )
        .unwrap();
    order
}

/// The takeout order T-007 before it was paid: PENDING_PAYMENT with its
/// test-mode PaymentIntent, payable until an hour after it was placed.
pub fn sample_unpaid_takeout_order() -> Order {
    let mut order = sample_takeout_order();
    order.status = OrderStatus::PendingPayment;
    order.history.truncate(1);
    order.updated_at = order.placed_at;
    order.expires_at = order
        .placed_at
        .checked_add(jiff::SignedDuration::from_mins(60))
        .ok();
    order.payment = Some(crate::payment::OrderPayment {
        provider: crate::payment::PaymentProvider::Test,
        intent_id: "pi_test_t007".into(),
        client_secret: "pi_test_t007_secret_x".into(),
        state: crate::payment::PaymentState::AwaitingPayment,
        failure_message: None,
        problem: None,
        reported_at: None,
        refund_id: None,
    });
    order
}

/// A New York restaurant with tax added at checkout (US style), in dollars.
pub fn new_york() -> Restaurant {
    Restaurant {
        id: RestaurantId::parse("nyc").unwrap(),
        name: "Deli Demo".into(),
        currency: Currency::parse("USD").unwrap(),
        locale: "en-US".into(),
        time_zone: "America/New_York".into(),
        tax_mode: TaxMode::Exclusive,
        default_tax_rate: TaxRate::parse_percent("8.875").unwrap(),
        ..berlin()
    }
}

/// A one-category menu of plain items, `(id, price in minor units, tax
/// rate in percent)`, for tests that need particular prices and rates.
pub fn simple_menu(restaurant: &Restaurant, items: &[(&str, i64, &str)]) -> Menu {
    let template = sample_menu().categories[1].items[0].clone();
    Menu {
        restaurant_id: restaurant.id.clone(),
        currency: restaurant.currency,
        categories: vec![Category {
            id: CategoryId::parse("all").unwrap(),
            name: "All".into(),
            items: items
                .iter()
                .map(|(id, price, rate)| Item {
                    id: ItemId::parse(*id).unwrap(),
                    name: format!("Item {id}"),
                    price: Amount(*price),
                    tax_rate: TaxRate::parse_percent(rate).unwrap(),
                    ..template.clone()
                })
                .collect(),
        }],
    }
}

/// A dine-in order of `restaurant` at table 1, placed at `at` on the
/// business day its rule gives (as placing an order does), priced from
/// `menu` in the restaurant's tax mode: `(item id, quantity)` per line.
/// ACCEPTED; set another status on the result where a test needs one.
pub fn order_at(
    restaurant: &Restaurant,
    menu: &Menu,
    at: Timestamp,
    sequence: u32,
    lines: &[(&str, i64)],
) -> Order {
    let cart = CartRequest {
        lines: lines
            .iter()
            .map(|(item, quantity)| CartLineRequest {
                item_id: (*item).into(),
                quantity: *quantity,
                options: vec![],
                note: None,
            })
            .collect(),
        note: None,
    };
    let priced = price_cart(menu, restaurant.tax_mode, &cart).unwrap();
    Order::new(NewOrder {
        id: OrderId::new(at, u128::from(sequence)),
        restaurant_id: restaurant.id.clone(),
        sequence,
        business_date: restaurant.business_date(at).unwrap(),
        channel: Channel::DineIn {
            table_id: TableId::parse("1").unwrap(),
            table_label: "Table 1".into(),
        },
        priced,
        placed_at: at,
        access_token_digest: AccessToken::from_random_bytes([1; 16]).digest(),
        needs_approval: false,
    })
}
