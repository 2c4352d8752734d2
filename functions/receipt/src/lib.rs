//! The takeout receipt email, rendered from the templates in the
//! repository's `templates/` folder: an HTML part for mail clients and a
//! plain-text part aligned for monospace.
//!
//! Pure: no I/O. The templates are compiled into the binary (`include_str!`)
//! so a Lambda needs no files at runtime. Amounts, dates and times are
//! formatted here in Rust (the restaurant's locale, currency and time zone),
//! so templates only place ready-made strings.

mod locale;
mod text;
mod view;

use minijinja::{Environment, UndefinedBehavior};
use std::sync::LazyLock;
use tabletap_core::order::Order;
use tabletap_core::restaurant::{Restaurant, RestaurantError};

/// A receipt ready to become an email: the caller adds the recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedReceipt {
    pub subject: String,
    pub html: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    /// The restaurant's settings cannot be used (an unknown time zone):
    /// fix the restaurant, then dispatch again.
    #[error("cannot render the receipt of order {order}: {source}; fix the restaurant's settings")]
    Restaurant {
        order: String,
        #[source]
        source: RestaurantError,
    },
    /// A template bug; the golden-file tests should have caught it.
    #[error("cannot render the receipt of order {order}: template error: {source:#}")]
    Template {
        order: String,
        #[source]
        source: minijinja::Error,
    },
}

const HTML_TEMPLATE: &str = "receipt.html.j2";
const TEXT_TEMPLATE: &str = "receipt.txt.j2";

/// Built once per process (a Lambda cold start): parsing the templates is the
/// only costly step and they never change at runtime.
static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // A misspelt variable is an error, not a silently empty receipt line.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("static syntax config"),
    );
    env.add_function("row", text::row);
    env.add_function("rule", text::rule);
    env.add_function("field", text::field);
    env.add_filter("wrap", text::wrap);
    let templates = [
        (
            "receipt_macros.html.j2",
            include_str!("../../../templates/receipt_macros.html.j2"),
        ),
        (
            HTML_TEMPLATE,
            include_str!("../../../templates/receipt.html.j2"),
        ),
        (
            TEXT_TEMPLATE,
            include_str!("../../../templates/receipt.txt.j2"),
        ),
    ];
    for (name, source) in templates {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("template {name} does not parse: {e:#}"));
    }
    env
});

/// Renders the receipt of `order` for `restaurant`: subject, HTML and text.
///
/// Prices come from the order's own snapshot (its currency and totals), the
/// number formats, date format and time zone from the restaurant.
pub fn render_receipt(
    order: &Order,
    restaurant: &Restaurant,
) -> Result<RenderedReceipt, ReceiptError> {
    let view =
        view::ReceiptView::new(order, restaurant).map_err(|source| ReceiptError::Restaurant {
            order: order.number.to_string(),
            source,
        })?;
    let render = |name: &str| {
        TEMPLATES
            .get_template(name)
            .and_then(|t| t.render(minijinja::value::Serde(&view)))
            .map_err(|source| ReceiptError::Template {
                order: order.number.to_string(),
                source,
            })
    };
    Ok(RenderedReceipt {
        html: render(HTML_TEMPLATE)?,
        text: render(TEXT_TEMPLATE)?,
        subject: view.subject,
    })
}
