//! Loads a restaurant, its menu and its tables from a YAML or JSON file into
//! any store: how the demo is seeded and how owners bring their own menu.
//!
//! The file is written by people, so it is friendlier than the stored form:
//! prices are decimals in the currency ("9.50"), tax rates and stations can
//! be set once per category, and tables keep their QR tokens across imports.

use crate::error::AppError;
use crate::ports::{MenuStore, RestaurantStore, TableStore};
use crate::random;
use serde::{Deserialize, Serialize};
use tabletap_core::ids::{CategoryId, ItemId, OptionGroupId, OptionId, StationId, TableId};
use tabletap_core::menu::{
    Allergen, Category, DietaryTag, Item, Menu, MenuError, MenuOption, OptionGroup,
};
use tabletap_core::money::{Amount, Currency, TaxRate};
use tabletap_core::restaurant::Restaurant;
use tabletap_core::table::{Table, table_order};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestaurantFile {
    pub restaurant: Restaurant,
    #[serde(default = "default_station")]
    pub default_station: StationId,
    pub categories: Vec<CategoryFile>,
    /// All of the restaurant's tables: a table missing from a file that
    /// has this list is removed (its QR code stops working). A file without
    /// the list leaves the tables as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tables: Option<Vec<TableFile>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryFile {
    pub id: CategoryId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station: Option<StationId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_rate: Option<TaxRate>,
    pub items: Vec<ItemFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemFile {
    pub id: ItemId,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub price: Price,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allergens: Vec<Allergen>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dietary: Vec<DietaryTag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station: Option<StationId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_rate: Option<TaxRate>,
    #[serde(default = "yes")]
    pub available: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub option_groups: Vec<OptionGroupFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionGroupFile {
    pub id: OptionGroupId,
    pub name: String,
    pub min: u32,
    pub max: u32,
    pub options: Vec<OptionFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionFile {
    pub id: OptionId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_delta: Option<Price>,
    #[serde(default = "yes")]
    pub available: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableFile {
    pub id: TableId,
    pub label: String,
}

/// A price as a person writes it: "9.50" or 9.5, in the currency's major
/// unit. Converted to minor units exactly, through its decimal text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    fn to_minor(&self, currency: Currency, what: &str) -> Result<Amount, String> {
        // f64's Display is the shortest text that reads back as the same
        // number, so 9.5 gives "9.5" and no binary rounding leaks in.
        let text = match self {
            Price::Text(text) => text.trim().to_owned(),
            Price::Number(n) => n.to_string(),
        };
        Amount::parse_decimal(&text, currency).ok_or_else(|| {
            format!(
                "{what}: price {text:?} is not an amount in {currency} with at most {} decimals",
                currency.minor_unit_digits()
            )
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
    pub tables_removed: usize,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} categories, {} items; tables: {} new, {} kept their QR codes",
            self.categories, self.items, self.tables_created, self.tables_kept
        )?;
        if self.tables_removed > 0 {
            write!(
                f,
                ", {} removed (their codes no longer work)",
                self.tables_removed
            )?;
        }
        Ok(())
    }
}

/// A restaurant file that passed every rule, as the records to write.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedFile {
    pub restaurant: Restaurant,
    pub menu: Menu,
    /// `None`: the file has no table list; the stored tables stay.
    pub tables: Option<Vec<TableFile>>,
}

/// How a restaurant file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Yaml,
    Json,
}

impl FileFormat {
    /// `.json` is JSON; anything else (`.yaml`, `.yml`, no extension) YAML.
    pub fn from_file_name(file_name: &str) -> Self {
        if file_name.ends_with(".json") {
            FileFormat::Json
        } else {
            FileFormat::Yaml
        }
    }
}

fn invalid(message: String) -> AppError {
    AppError::InvalidInput {
        code: "invalid_menu_file",
        message,
    }
}

/// Parses a restaurant file; `file_name` picks JSON for `.json`, YAML
/// otherwise. Syntax and type mistakes (an unknown allergen, a misspelt
/// field) are reported with their line and column.
pub fn parse_restaurant_file(file_name: &str, text: &str) -> Result<RestaurantFile, AppError> {
    parse_restaurant_text(FileFormat::from_file_name(file_name), file_name, text)
}

/// [`parse_restaurant_file`] for a text whose format is known; `label`
/// names it in messages ("your file", "menu.yaml").
pub fn parse_restaurant_text(
    format: FileFormat,
    label: &str,
    text: &str,
) -> Result<RestaurantFile, AppError> {
    match format {
        FileFormat::Json => {
            serde_json::from_str(text).map_err(|e| invalid(format!("{label}: {e}")))
        }
        FileFormat::Yaml => {
            serde_norway::from_str(text).map_err(|e| invalid(format!("{label}: {e}")))
        }
    }
}

/// Parses and checks a restaurant file: every rule is checked before
/// anything is written, and a broken rule names its place in the file (the
/// line of the item or option group it is about, and their ids).
pub fn check_restaurant_file(file_name: &str, text: &str) -> Result<CheckedFile, AppError> {
    check_restaurant_text(FileFormat::from_file_name(file_name), file_name, text)
}

/// [`check_restaurant_file`] for a text whose format is known.
pub fn check_restaurant_text(
    format: FileFormat,
    label: &str,
    text: &str,
) -> Result<CheckedFile, AppError> {
    let file = parse_restaurant_text(format, label, text)?;
    build_records(file).map_err(|broken| {
        let place = broken.place.iter().map(String::as_str).collect::<Vec<_>>();
        match locate(text, &place) {
            Some(line) => invalid(format!("{label}, line {line}: {}", broken.message)),
            None => invalid(format!("{label}: {}", broken.message)),
        }
    })
}

/// A broken rule, with the ids that lead to it (category, item, group,
/// option, from the outside in) so the caller can find it in the text.
#[derive(Debug)]
pub struct BrokenRule {
    pub place: Vec<String>,
    pub message: String,
}

impl BrokenRule {
    fn at(place: &[&str], message: impl Into<String>) -> Self {
        Self {
            place: place.iter().map(|s| (*s).to_owned()).collect(),
            message: message.into(),
        }
    }
}

impl From<BrokenRule> for AppError {
    fn from(broken: BrokenRule) -> Self {
        invalid(broken.message)
    }
}

/// The line (1-based) where the last of `ids` is declared, reading `id:`
/// lines in order: the first `id` after the previous one's line. Works for
/// YAML (`id: margherita`, `- { id: small, ... }`) and JSON (`"id": "x"`).
/// For an id declared twice, the second declaration is the one named.
fn locate(text: &str, ids: &[&str]) -> Option<usize> {
    fn declares(line: &str, id: &str) -> bool {
        let mut rest = line;
        while let Some(at) = rest.find("id") {
            let before_ok = rest[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            let after = rest[at + 2..].trim_start_matches(['"', '\'']);
            if before_ok && let Some(value) = after.trim_start().strip_prefix(':') {
                let value = value.trim_start().trim_start_matches(['"', '\'']);
                if let Some(tail) = value.strip_prefix(id)
                    && tail
                        .chars()
                        .next()
                        .is_none_or(|c| matches!(c, '"' | '\'' | ',' | '}' | ' ' | '#'))
                {
                    return true;
                }
            }
            rest = &rest[at + 2..];
        }
        false
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0;
    let mut found = None;
    for (n, id) in ids.iter().enumerate() {
        let last = n + 1 == ids.len();
        let mut hits = (from..lines.len()).filter(|&i| declares(lines[i], id));
        let first = hits.next()?;
        // A duplicate: the later declaration is the mistake.
        let at = if last {
            hits.next().unwrap_or(first)
        } else {
            first
        };
        found = Some(at + 1);
        from = first + 1;
    }
    found
}

fn menu_rule(error: MenuError) -> BrokenRule {
    let message = format!("menu: {error}");
    let place: Vec<String> = match &error {
        MenuError::DuplicateId { id, .. } => vec![id.clone()],
        MenuError::BadName { id, .. } => vec![id.clone()],
        MenuError::NegativePrice { item }
        | MenuError::NegativeWithOptions { item }
        | MenuError::BadImageUrl { item }
        | MenuError::LongDescription { item } => vec![item.clone()],
        MenuError::BadGroupRule { item, group, .. } => vec![item.clone(), group.clone()],
    };
    BrokenRule { place, message }
}

/// Turns the file into domain records and checks every rule before anything
/// is written.
pub fn build_records(file: RestaurantFile) -> Result<CheckedFile, BrokenRule> {
    let restaurant = file.restaurant;
    restaurant
        .validate()
        .map_err(|e| BrokenRule::at(&[], format!("restaurant: {e}")))?;
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
                        Some(price) => price
                            .to_minor(
                                currency,
                                &format!("{what}, option {:?}", option.id.as_str()),
                            )
                            .map_err(|message| {
                                BrokenRule::at(
                                    &[item.id.as_str(), group.id.as_str(), option.id.as_str()],
                                    message,
                                )
                            })?,
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
            let price = item
                .price
                .to_minor(currency, &what)
                .map_err(|message| BrokenRule::at(&[item.id.as_str()], message))?;
            items.push(Item {
                price,
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
    menu.validate().map_err(menu_rule)?;
    if let Some(tables) = &file.tables {
        let mut seen = std::collections::HashSet::new();
        for table in tables {
            if !seen.insert(&table.id) {
                return Err(BrokenRule::at(
                    &[table.id.as_str()],
                    format!("table id {:?} is used twice", table.id.as_str()),
                ));
            }
            let label_len = table.label.trim().chars().count();
            if label_len == 0 || label_len > 40 {
                return Err(BrokenRule::at(
                    &[table.id.as_str()],
                    format!(
                        "table {:?}: label must be 1 to 40 characters",
                        table.id.as_str()
                    ),
                ));
            }
        }
    }
    Ok(CheckedFile {
        restaurant,
        menu,
        tables: file.tables,
    })
}

/// Writes a checked file to the store. Tables that exist keep their token
/// (and so their printed QR code); new tables get a fresh one; with a table
/// list, tables not on it are removed.
///
/// Every rule was checked before the first write, so a bad file changes
/// nothing. The writes are several (restaurant, menu, each table): a store
/// failure half-way leaves the earlier ones, and running the same import
/// again completes it.
pub async fn import_restaurant<S>(store: &S, file: CheckedFile) -> Result<ImportReport, AppError>
where
    S: RestaurantStore + MenuStore + TableStore + ?Sized,
{
    let CheckedFile {
        restaurant,
        menu,
        tables,
    } = file;
    store.put_restaurant(&restaurant).await?;
    store.put_menu(&menu).await?;
    let (mut created, mut kept, mut removed) = (0, 0, 0);
    if let Some(tables) = tables {
        let existing = store.list_tables(&restaurant.id).await?;
        for table in existing
            .iter()
            .filter(|old| !tables.iter().any(|t| t.id == old.id))
        {
            if store.delete_table(&restaurant.id, &table.id).await? {
                removed += 1;
            }
        }
        for table in tables {
            let token = match existing.iter().find(|old| old.id == table.id) {
                Some(old) if old.label == table.label => {
                    kept += 1;
                    continue;
                }
                Some(old) => {
                    kept += 1;
                    old.token.clone()
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
    }
    Ok(ImportReport {
        restaurant: restaurant.id.to_string(),
        categories: menu.categories.len(),
        items: menu.items().count(),
        tables_created: created,
        tables_kept: kept,
        tables_removed: removed,
    })
}

/// The stored restaurant as a restaurant file: what an owner exports, edits
/// and imports again. Every item names its own station and tax rate (the
/// file's category defaults are a convenience for people writing by hand),
/// prices are decimals in the currency, and tables are in the order people
/// count them. Importing the result changes nothing.
pub fn restaurant_file(restaurant: &Restaurant, menu: &Menu, tables: &[Table]) -> RestaurantFile {
    let currency = menu.currency;
    let price = |amount: Amount| Price::Text(amount.to_decimal_string(currency));
    let mut tables: Vec<TableFile> = tables
        .iter()
        .map(|t| TableFile {
            id: t.id.clone(),
            label: t.label.clone(),
        })
        .collect();
    tables.sort_by(|a, b| table_order(a.id.as_str(), b.id.as_str()));
    RestaurantFile {
        restaurant: restaurant.clone(),
        default_station: default_station(),
        categories: menu
            .categories
            .iter()
            .map(|category| CategoryFile {
                id: category.id.clone(),
                name: category.name.clone(),
                station: None,
                tax_rate: None,
                items: category
                    .items
                    .iter()
                    .map(|item| ItemFile {
                        id: item.id.clone(),
                        name: item.name.clone(),
                        description: item.description.clone(),
                        price: price(item.price),
                        image_url: item.image_url.clone(),
                        allergens: item.allergens.clone(),
                        dietary: item.dietary.clone(),
                        station: Some(item.station.clone()),
                        tax_rate: Some(item.tax_rate),
                        available: item.available,
                        option_groups: item
                            .option_groups
                            .iter()
                            .map(|group| OptionGroupFile {
                                id: group.id.clone(),
                                name: group.name.clone(),
                                min: group.min,
                                max: group.max,
                                options: group
                                    .options
                                    .iter()
                                    .map(|option| OptionFile {
                                        id: option.id.clone(),
                                        name: option.name.clone(),
                                        price_delta: (option.price_delta != Amount::ZERO)
                                            .then(|| price(option.price_delta)),
                                        available: option.available,
                                    })
                                    .collect(),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        tables: Some(tables),
    }
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
        let CheckedFile { menu, tables, .. } = check_restaurant_file("demo.yaml", SAMPLE).unwrap();
        let tables = tables.unwrap();
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
        let bad_zone = SAMPLE.replace("Europe/Berlin", "Europe/Atlantis");
        let err = check_restaurant_file("demo.yaml", &bad_zone).unwrap_err();
        assert!(err.to_string().contains("Europe/Atlantis"), "{err}");
    }

    /// The message of a refused file, which must name its line.
    fn refused(text: &str) -> String {
        let err = check_restaurant_file("menu.yaml", text).unwrap_err();
        let AppError::InvalidInput { code, message } = err else {
            panic!("not an input error: {err}")
        };
        assert_eq!(code, "invalid_menu_file");
        message
    }

    fn line_of(text: &str, needle: &str, nth: usize) -> usize {
        text.lines()
            .enumerate()
            .filter(|(_, l)| l.contains(needle))
            .nth(nth)
            .map(|(i, _)| i + 1)
            .unwrap()
    }

    #[test]
    fn a_bad_file_is_refused_at_its_line() {
        // A price with three decimals in EUR.
        let text = SAMPLE.replace("\"2.50\"", "\"2.505\"");
        let message = refused(&text);
        let line = line_of(&text, "id: water", 0);
        assert!(message.contains(&format!("line {line}:")), "{message}");
        assert!(message.contains("item \"water\""), "{message}");
        assert!(message.contains("2.505"), "{message}");

        // An allergen the EU list does not have: the parser names the spot.
        let text = SAMPLE.replace(
            "price: \"2.50\"",
            "price: \"2.50\"\n        allergens: [gluten, avocado]",
        );
        let message = refused(&text);
        let line = line_of(&text, "avocado", 0);
        assert!(message.contains("avocado"), "{message}");
        assert!(message.contains(&format!("line {line}")), "{message}");

        // A group that asks for more choices than it has options.
        let text = SAMPLE.replace("min: 1\n            max: 1", "min: 3\n            max: 3");
        let message = refused(&text);
        let line = line_of(&text, "id: glass", 0);
        assert!(message.contains(&format!("line {line}:")), "{message}");
        assert!(
            message.contains("\"wine\"") && message.contains("\"glass\""),
            "{message}"
        );

        // The same item id twice: the second one is named.
        let text = SAMPLE.replace("- id: wine", "- id: water");
        let message = refused(&text);
        let line = line_of(&text, "id: water", 1);
        assert!(message.contains(&format!("line {line}:")), "{message}");
        assert!(message.contains("used twice"), "{message}");
    }

    #[test]
    fn lines_are_found_in_json_too() {
        let json = r#"{
  "restaurant": {"id": "demo", "name": "Demo", "currency": "EUR", "locale": "de-DE",
                 "time_zone": "Europe/Berlin", "tax_mode": "inclusive", "default_tax_rate": "19"},
  "categories": [
    {"id": "drinks", "name": "Drinks", "items": [
      {"id": "water", "name": "Water", "price": "2.50"},
      {"id": "water", "name": "Still water", "price": "2.50"}
    ]}
  ]
}"#;
        let err = check_restaurant_file("menu.json", json)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 7:"), "{err}");
    }

    #[test]
    fn an_exported_file_imports_to_the_same_records() {
        let checked = check_restaurant_file("demo.yaml", SAMPLE).unwrap();
        let tables = vec![Table {
            restaurant_id: checked.restaurant.id.clone(),
            id: TableId::parse("1").unwrap(),
            label: "Table 1".into(),
            token: tabletap_core::token::TableToken::from_random_bytes([1; 16]),
        }];
        let exported = restaurant_file(&checked.restaurant, &checked.menu, &tables);
        for text in [
            serde_norway::to_string(&exported).unwrap(),
            serde_json::to_string_pretty(&exported).unwrap(),
        ] {
            let name = if text.starts_with('{') {
                "x.json"
            } else {
                "x.yaml"
            };
            let again = check_restaurant_file(name, &text).unwrap();
            assert_eq!(again.restaurant, checked.restaurant);
            assert_eq!(again.menu, checked.menu);
            assert_eq!(again.tables, checked.tables);
        }
    }
}
