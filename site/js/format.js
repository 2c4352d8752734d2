// Prices, allergens and dietary tags in words people read.

/**
 * A formatter for integer minor units (cents for EUR, yen for JPY). The
 * currency's digits come from Intl, so the only float is the one division
 * right before display; sums stay integers.
 */
export function moneyFormatter(locale, currency) {
  let format;
  try { format = new Intl.NumberFormat(locale, { style: "currency", currency }); }
  catch { format = new Intl.NumberFormat("en", { style: "currency", currency }); }
  const digits = format.resolvedOptions().maximumFractionDigits;
  const scale = 10 ** digits;
  return (minor) => format.format(minor / scale);
}

/** The 14 allergens EU law requires a menu to declare, as people say them. */
export const ALLERGENS = {
  gluten: "Cereals with gluten",
  crustaceans: "Crustaceans",
  eggs: "Eggs",
  fish: "Fish",
  peanuts: "Peanuts",
  soybeans: "Soya",
  milk: "Milk",
  nuts: "Tree nuts",
  celery: "Celery",
  mustard: "Mustard",
  sesame: "Sesame",
  sulphites: "Sulphites",
  lupin: "Lupin",
  molluscs: "Molluscs",
};

export const DIETARY = {
  vegetarian: "Vegetarian",
  vegan: "Vegan",
  gluten_free: "Gluten-free",
  dairy_free: "Dairy-free",
  halal: "Halal",
  kosher: "Kosher",
  spicy: "Spicy",
};

export const allergenText = (list) => list.map((a) => ALLERGENS[a] ?? a).join(", ");
export const dietaryName = (tag) => DIETARY[tag] ?? tag.replaceAll("_", " ");

/** "1 item" / "3 items". */
export const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
