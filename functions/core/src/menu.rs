//! A restaurant's menu: categories in display order, items with option
//! groups, allergens and the kitchen station that prepares them.

use crate::ids::{CategoryId, ItemId, OptionGroupId, OptionId, RestaurantId, StationId};
use crate::money::{Amount, Currency, TaxRate};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The 14 allergens EU law requires a menu to declare (Regulation 1169/2011).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Allergen {
    Gluten,
    Crustaceans,
    Eggs,
    Fish,
    Peanuts,
    Soybeans,
    Milk,
    Nuts,
    Celery,
    Mustard,
    Sesame,
    Sulphites,
    Lupin,
    Molluscs,
}

impl Allergen {
    /// Short name for tickets and receipts.
    pub fn label(self) -> &'static str {
        match self {
            Allergen::Gluten => "gluten",
            Allergen::Crustaceans => "crustaceans",
            Allergen::Eggs => "eggs",
            Allergen::Fish => "fish",
            Allergen::Peanuts => "peanuts",
            Allergen::Soybeans => "soy",
            Allergen::Milk => "milk",
            Allergen::Nuts => "nuts",
            Allergen::Celery => "celery",
            Allergen::Mustard => "mustard",
            Allergen::Sesame => "sesame",
            Allergen::Sulphites => "sulphites",
            Allergen::Lupin => "lupin",
            Allergen::Molluscs => "molluscs",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DietaryTag {
    Vegetarian,
    Vegan,
    GlutenFree,
    DairyFree,
    Halal,
    Kosher,
    Spicy,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Menu {
    pub restaurant_id: RestaurantId,
    pub currency: Currency,
    pub categories: Vec<Category>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: CategoryId,
    pub name: String,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: ItemId,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Base price in minor units, before options.
    pub price: Amount,
    #[serde(default)]
    pub image_url: Option<String>,
    #[serde(default)]
    pub allergens: Vec<Allergen>,
    #[serde(default)]
    pub dietary: Vec<DietaryTag>,
    pub station: StationId,
    pub tax_rate: TaxRate,
    /// False while sold out: shown, but not orderable.
    pub available: bool,
    #[serde(default)]
    pub option_groups: Vec<OptionGroup>,
}

/// "Size: choose one" is `min: 1, max: 1`; "Extras: up to 3" is
/// `min: 0, max: 3`. Each option is chosen at most once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionGroup {
    pub id: OptionGroupId,
    pub name: String,
    pub min: u32,
    pub max: u32,
    pub options: Vec<MenuOption>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuOption {
    pub id: OptionId,
    pub name: String,
    #[serde(default)]
    pub price_delta: Amount,
    #[serde(default = "yes")]
    pub available: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MenuError {
    #[error("{what} id {id:?} is used twice{within}")]
    DuplicateId {
        what: &'static str,
        id: String,
        within: String,
    },
    #[error("{what} {id:?} needs a name (1 to 100 characters)")]
    BadName { what: &'static str, id: String },
    #[error("item {item:?}: price must not be negative")]
    NegativePrice { item: String },
    #[error(
        "item {item:?}, group {group:?}: min ({min}) and max ({max}) must satisfy min <= max, 1 <= max <= number of options ({options})"
    )]
    BadGroupRule {
        item: String,
        group: String,
        min: u32,
        max: u32,
        options: usize,
    },
    #[error("item {item:?}: the cheapest choice of options would make the price negative")]
    NegativeWithOptions { item: String },
    #[error("item {item:?}: image_url must be an https:// or site-relative URL")]
    BadImageUrl { item: String },
    #[error("item {item:?}: description is longer than 500 characters")]
    LongDescription { item: String },
}

const MAX_NAME: usize = 100;

fn check_name(what: &'static str, id: &str, name: &str) -> Result<(), MenuError> {
    let len = name.trim().chars().count();
    if len == 0 || len > MAX_NAME || name.chars().any(char::is_control) {
        return Err(MenuError::BadName {
            what,
            id: id.to_owned(),
        });
    }
    Ok(())
}

impl Menu {
    /// Checks every rule a well-formed menu keeps, naming the first one broken.
    pub fn validate(&self) -> Result<(), MenuError> {
        let mut category_ids = HashSet::new();
        let mut item_ids = HashSet::new();
        for category in &self.categories {
            if !category_ids.insert(&category.id) {
                return Err(MenuError::DuplicateId {
                    what: "category",
                    id: category.id.to_string(),
                    within: String::new(),
                });
            }
            check_name("category", category.id.as_str(), &category.name)?;
            for item in &category.items {
                if !item_ids.insert(&item.id) {
                    return Err(MenuError::DuplicateId {
                        what: "item",
                        id: item.id.to_string(),
                        within: String::new(),
                    });
                }
                item.validate()?;
            }
        }
        Ok(())
    }

    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.categories.iter().flat_map(|c| c.items.iter())
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items().find(|item| item.id.as_str() == id)
    }

    pub fn item_mut(&mut self, id: &str) -> Option<&mut Item> {
        self.categories
            .iter_mut()
            .flat_map(|c| c.items.iter_mut())
            .find(|item| item.id.as_str() == id)
    }

    /// Marks an item, or one option of an item, sold out ("86") or back.
    /// Returns whether anything changed.
    pub fn set_availability(
        &mut self,
        item_id: &str,
        option_id: Option<&str>,
        available: bool,
    ) -> Result<bool, UnknownMenuEntry> {
        let item = self
            .item_mut(item_id)
            .ok_or_else(|| UnknownMenuEntry(format!("item {item_id:?}")))?;
        let flag = match option_id {
            None => &mut item.available,
            Some(option_id) => {
                &mut item
                    .option_groups
                    .iter_mut()
                    .flat_map(|g| g.options.iter_mut())
                    .find(|o| o.id.as_str() == option_id)
                    .ok_or_else(|| {
                        UnknownMenuEntry(format!("option {option_id:?} of item {item_id:?}"))
                    })?
                    .available
            }
        };
        let changed = *flag != available;
        *flag = available;
        Ok(changed)
    }
}

/// An 86 switch named something the menu does not have.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("The menu has no {0}.")]
pub struct UnknownMenuEntry(pub String);

impl Item {
    fn validate(&self) -> Result<(), MenuError> {
        let item = self.id.to_string();
        check_name("item", &item, &self.name)?;
        if self.description.chars().count() > 500 {
            return Err(MenuError::LongDescription { item });
        }
        if self.price < Amount::ZERO {
            return Err(MenuError::NegativePrice { item });
        }
        if let Some(url) = &self.image_url
            && !(url.starts_with("https://") || url.starts_with('/'))
        {
            return Err(MenuError::BadImageUrl { item });
        }
        let mut group_ids = HashSet::new();
        let mut option_ids = HashSet::new();
        let mut cheapest = self.price.0;
        for group in &self.option_groups {
            if !group_ids.insert(&group.id) {
                return Err(MenuError::DuplicateId {
                    what: "option group",
                    id: group.id.to_string(),
                    within: format!(" in item {item:?}"),
                });
            }
            check_name("option group", group.id.as_str(), &group.name)?;
            let n = group.options.len();
            if group.min > group.max || group.max == 0 || group.max as usize > n {
                return Err(MenuError::BadGroupRule {
                    item,
                    group: group.id.to_string(),
                    min: group.min,
                    max: group.max,
                    options: n,
                });
            }
            for option in &group.options {
                // Option ids are unique per item so a cart can name them flat.
                if !option_ids.insert(&option.id) {
                    return Err(MenuError::DuplicateId {
                        what: "option",
                        id: option.id.to_string(),
                        within: format!(" in item {item:?}"),
                    });
                }
                check_name("option", option.id.as_str(), &option.name)?;
            }
            let mut deltas: Vec<i64> = group.options.iter().map(|o| o.price_delta.0).collect();
            deltas.sort_unstable();
            let worst: i64 = deltas
                .iter()
                .take(group.max as usize)
                .filter(|d| **d < 0)
                .sum();
            cheapest = cheapest.saturating_add(worst);
        }
        if cheapest < 0 {
            return Err(MenuError::NegativeWithOptions { item });
        }
        Ok(())
    }

    pub fn option(&self, id: &str) -> Option<(&OptionGroup, &MenuOption)> {
        self.option_groups.iter().find_map(|g| {
            g.options
                .iter()
                .find(|o| o.id.as_str() == id)
                .map(|o| (g, o))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::sample_menu;

    #[test]
    fn sample_menu_is_valid() {
        assert_eq!(sample_menu().validate(), Ok(()));
    }

    #[test]
    fn duplicate_item_ids_are_refused() {
        let mut menu = sample_menu();
        let copy = menu.categories[0].items[0].clone();
        menu.categories[1].items.push(copy);
        assert!(matches!(
            menu.validate(),
            Err(MenuError::DuplicateId { what: "item", .. })
        ));
    }

    #[test]
    fn group_rules_must_be_satisfiable() {
        let mut menu = sample_menu();
        menu.categories[0].items[0].option_groups[0].max = 3;
        assert!(matches!(
            menu.validate(),
            Err(MenuError::BadGroupRule { .. })
        ));
        let mut menu = sample_menu();
        menu.categories[0].items[0].option_groups[1].min = 3;
        assert!(matches!(
            menu.validate(),
            Err(MenuError::BadGroupRule { .. })
        ));
    }

    #[test]
    fn negative_deltas_cannot_make_a_negative_price() {
        let mut menu = sample_menu();
        menu.categories[0].items[0].option_groups[1].options[0].price_delta = Amount(-600);
        menu.categories[0].items[0].option_groups[1].options[1].price_delta = Amount(-400);
        assert!(matches!(
            menu.validate(),
            Err(MenuError::NegativeWithOptions { .. })
        ));
    }

    #[test]
    fn option_ids_are_unique_within_an_item() {
        let mut menu = sample_menu();
        let dup = menu.categories[0].items[0].option_groups[0].options[0].clone();
        menu.categories[0].items[0].option_groups[1]
            .options
            .push(dup);
        assert!(matches!(
            menu.validate(),
            Err(MenuError::DuplicateId { what: "option", .. })
        ));
    }
}
