//! Loads a restaurant, its menu and its tables from a YAML or JSON file into
//! any store: how the demo is seeded and how owners bring their own menu.
//!
//! The file is written by people, so it is friendlier than the stored form:
//! prices are decimals in the currency ("9.50"), tax rates and stations can
//! be set once per category, and tables keep their QR tokens across imports.

use crate::error::AppError;
use crate::ports::{MenuStore, RestaurantStore, TableStore};
use crate::random;
use serde::Deserialize;
use tabletap_core::ids::{CategoryId, ItemId, OptionGroupId, OptionId, StationId, TableId};
use tabletap_core::menu::{Allergen, Category, DietaryTag, Item, Menu, MenuOption, OptionGroup};
use tabletap_core::money::{Amount, Currency, TaxRate};
use tabletap_core::restaurant::Restaurant;
use tabletap_core::table::Table;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestaurantFile {
    pub restaurant: Restaurant,
    #[serde(default = "default_station")]
    pub default_station: StationId,
    pub categories: Vec<CategoryFile>,
    #[serde(default)]
    pub tables: Vec<TableFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryFile {
    pub id: CategoryId,
    pub name: String,
    pub station: Option<StationId>,
    pub tax_rate: Option<TaxRate>,
    pub items: Vec<ItemFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemFile {
    pub id: ItemId,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub price: Price,
    pub image_url: Option<String>,
    #[serde(default)]
    pub allergens: Vec<Allergen>,
    #[serde(default)]
    pub dietary: Vec<DietaryTag>,
    pub station: Option<StationId>,
    pub tax_rate: Option<TaxRate>,
    #[serde(default = "yes")]
    pub available: bool,
    #[serde(default)]
    pub option_groups: Vec<OptionGroupFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionGroupFile {
    pub id: OptionGroupId,
    pub name: String,
    pub min: u32,
    pub max: u32,
    pub options: Vec<OptionFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionFile {
    pub id: OptionId,
    pub name: String,
    #[serde(default)]
    pub price_delta: Option<Price>,
    #[serde(default = "yes")]
    pub available: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableFile {
    pub id: TableId,
    pub label: String,
}

/// A price as a person writes it: "9.50" or 9.5, in the currency's major
/// unit. Converted to minor units exactly, through its decimal text.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Price {
    Text(String),
    Number(f64),
}

fn default_station() -> StationId {
    StationId::parse("kitchen").expect("valid id")
}

fn yes() -> bool {
    true
}

impl Price {
    fn to_minor(&self, currency: Currency, what: &str) -> Result<Amount, AppError> {
        // f64's Display is the shortest text that reads back as the same
        // number, so 9.5 gives "9.5" and no binary rounding leaks in.
        let text = match self {
            Price::Text(text) => text.trim().to_owned(),
            Price::Number(n) => n.to_string(),
        };
        Amount::parse_decimal(&text, currency).ok_or_else(|| AppError::InvalidInput {
            code: "invalid_menu_file",
            message: format!(
                "{what}: price {text:?} is not an amount in {currency} with at most {} decimals",
                currency.minor_unit_digits()
            ),
        })
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct ImportReport {
    pub restaurant: String,
    pub categories: usize,
    pub items: usize,
    pub tables_created: usize,
    pub tables_kept: usize,
}

/// Parses a restaurant file; `file_name` picks JSON for `.json`, YAML otherwise.
pub fn parse_restaurant_file(file_name: &str, text: &str) -> Result<RestaurantFile, AppError> {
    let invalid = |message: String| AppError::InvalidInput {
        code: "invalid_menu_file",
        message,
    };
    if file_name.ends_with(".json") {
        serde_json::from_str(text).map_err(|e| invalid(format!("{file_name}: {e}")))
    } else {
        serde_norway::from_str(text).map_err(|e| invalid(format!("{file_name}: {e}")))
    }
}

/// Turns the file into domain records and checks every rule before anything
/// is written.
pub fn build_records(file: RestaurantFile) -> Result<(Restaurant, Menu, Vec<TableFile>), AppError> {
    let invalid = |message: String| AppError::InvalidInput {
        code: "invalid_menu_file",
        message,
    };
    let restaurant = file.restaurant;
    restaurant
        .validate()
        .map_err(|e| invalid(format!("restaurant: {e}")))?;
    let currency = restaurant.currency;
    let mut categories = Vec::with_capacity(file.categories.len());
    for category in file.categories {
        let mut items = Vec::with_capacity(category.items.len());
        for item in category.items {
            let what = format!("item {:?}", item.id.as_str());
            let mut option_groups = Vec::with_capacity(item.option_groups.len());
            for group in item.option_groups {
                let mut options = Vec::with_capacity(group.options.len());
                for option in group.options {
                    let price_delta = match &option.price_delta {
                        Some(price) => price.to_minor(
                            currency,
                            &format!("{what}, option {:?}", option.id.as_str()),
                        )?,
                        None => Amount::ZERO,
                    };
                    options.push(MenuOption {
                        id: option.id,
                        name: option.name,
                        price_delta,
                        available: option.available,
                    });
                }
                option_groups.push(OptionGroup {
                    id: group.id,
                    name: group.name,
                    min: group.min,
                    max: group.max,
                    options,
                });
            }
            items.push(Item {
                price: item.price.to_minor(currency, &what)?,
                station: item
                    .station
                    .or_else(|| category.station.clone())
                    .unwrap_or_else(|| file.default_station.clone()),
                tax_rate: item
                    .tax_rate
                    .or(category.tax_rate)
                    .unwrap_or(restaurant.default_tax_rate),
                id: item.id,
                name: item.name,
                description: item.description,
                image_url: item.image_url,
                allergens: item.allergens,
                dietary: item.dietary,
                available: item.available,
                option_groups,
            });
        }
        categories.push(Category {
            id: category.id,
            name: category.name,
            items,
        });
    }
    let menu = Menu {
        restaurant_id: restaurant.id.clone(),
        currency,
        categories,
    };
    menu.validate().map_err(|e| invalid(format!("menu: {e}")))?;
    let mut seen = std::collections::HashSet::new();
    for table in &file.tables {
        if !seen.insert(&table.id) {
            return Err(invalid(format!(
                "table id {:?} is used twice",
                table.id.as_str()
            )));
        }
        let label_len = table.label.trim().chars().count();
        if label_len == 0 || label_len > 40 {
            return Err(invalid(format!(
                "table {:?}: label must be 1 to 40 characters",
                table.id.as_str()
            )));
        }
    }
    Ok((restaurant, menu, file.tables))
}

/// Writes a parsed file to the store. Tables that exist keep their token (and
/// so their printed QR code); new tables get a fresh one.
pub async fn import_restaurant<S>(store: &S, file: RestaurantFile) -> Result<ImportReport, AppError>
where
    S: RestaurantStore + MenuStore + TableStore + ?Sized,
{
    let (restaurant, menu, tables) = build_records(file)?;
    store.put_restaurant(&restaurant).await?;
    store.put_menu(&menu).await?;
    let (mut created, mut kept) = (0, 0);
    for table in tables {
        let existing = store.get_table(&restaurant.id, &table.id).await?;
        let token = match existing {
            Some(existing) => {
                kept += 1;
                existing.token
            }
            None => {
                created += 1;
                random::table_token()
            }
        };
        store
            .put_table(&Table {
                restaurant_id: restaurant.id.clone(),
                id: table.id,
                label: table.label,
                token,
            })
            .await?;
    }
    Ok(ImportReport {
        restaurant: restaurant.id.to_string(),
        categories: menu.categories.len(),
        items: menu.items().count(),
        tables_created: created,
        tables_kept: kept,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_written_as_numbers_convert_exactly() {
        let eur = Currency::parse("EUR").unwrap();
        assert_eq!(
            Price::Number(19.99).to_minor(eur, "x").unwrap(),
            Amount(1999)
        );
        assert_eq!(Price::Number(0.3).to_minor(eur, "x").unwrap(), Amount(30));
    }

    const SAMPLE: &str = r#"
restaurant:
  id: demo
  name: Demo
  currency: EUR
  locale: de-DE
  time_zone: Europe/Berlin
  tax_mode: inclusive
  default_tax_rate: "19"
categories:
  - id: drinks
    name: Drinks
    station: bar
    tax_rate: "7"
    items:
      - id: water
        name: Water
        price: "2.50"
      - id: wine
        name: Wine
        price: 6.9
        tax_rate: "19"
        station: cellar
        option_groups:
          - id: glass
            name: Glass
            min: 1
            max: 1
            options:
              - { id: small, name: "0.1 l" }
              - { id: large, name: "0.2 l", price_delta: "5.90" }
tables:
  - { id: "1", label: Table 1 }
"#;

    #[test]
    fn file_defaults_flow_down_to_items() {
        let file = parse_restaurant_file("demo.yaml", SAMPLE).unwrap();
        let (_, menu, tables) = build_records(file).unwrap();
        let water = menu.item("water").unwrap();
        assert_eq!(water.price, Amount(250));
        assert_eq!(water.station.as_str(), "bar");
        assert_eq!(water.tax_rate.to_percent_string(), "7");
        let wine = menu.item("wine").unwrap();
        assert_eq!(wine.price, Amount(690));
        assert_eq!(wine.station.as_str(), "cellar");
        assert_eq!(wine.tax_rate.to_percent_string(), "19");
        assert_eq!(wine.option_groups[0].options[1].price_delta, Amount(590));
        assert_eq!(tables.len(), 1);
    }

    #[test]
    fn mistakes_in_the_file_are_named() {
        let typo = SAMPLE.replace("price: \"2.50\"", "prise: \"2.50\"");
        let err = parse_restaurant_file("demo.yaml", &typo)
            .unwrap_err()
            .to_string();
        assert!(err.contains("prise"), "{err}");
        let bad_price = SAMPLE.replace("\"2.50\"", "\"2.505\"");
        let err =
            build_records(parse_restaurant_file("demo.yaml", &bad_price).unwrap()).unwrap_err();
        assert!(err.to_string().contains("item \"water\""), "{err}");
        let bad_zone = SAMPLE.replace("Europe/Berlin", "Europe/Atlantis");
        let err =
            build_records(parse_restaurant_file("demo.yaml", &bad_zone).unwrap()).unwrap_err();
        assert!(err.to_string().contains("Europe/Atlantis"), "{err}");
    }
}
