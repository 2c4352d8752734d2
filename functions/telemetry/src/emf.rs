//! Metric events as CloudWatch embedded metric format (EMF) lines.
//!
//! An event `info!(target: METRIC_TARGET, metric = "OrdersPlaced",
//! value = 1, unit = "Count", dimensions = "Channel", channel = "dine_in",
//! restaurant = "demo", order = "01...")` becomes
//!
//! ```json
//! {"_aws":{"Timestamp":1765130000000,"CloudWatchMetrics":[{"Namespace":"TableTap",
//!   "Dimensions":[["Channel"]],"Metrics":[{"Name":"OrdersPlaced","Unit":"Count"}]}]},
//!  "OrdersPlaced":1,"Channel":"dine_in","restaurant":"demo","order":"01..."}
//! ```
//!
//! Dimensions are few and fixed (a channel, an outcome), never the
//! restaurant or the order: each distinct dimension value is a metric
//! CloudWatch bills monthly. The restaurant and order ride along as
//! properties, so Logs Insights can still break a figure down by them.

use crate::NAMESPACE;
use serde_json::{Map, Value};
use std::io::Write;
use tracing::field::{Field, Visit};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer};

pub struct EmfLayer<W> {
    writer: W,
}

impl<W> EmfLayer<W> {
    pub fn new(writer: W) -> Self {
        Self { writer }
    }
}

#[derive(Default)]
struct Fields(Map<String, Value>);

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_owned(), format!("{value:?}").into());
    }
}

/// "Channel" from a `dimensions = "channel"` field: property names are
/// snake_case in events and CamelCase as CloudWatch dimensions.
fn camel(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The EMF document for one metric event, or `None` if it lacks a name
/// or a numeric value.
pub(crate) fn document(mut fields: Map<String, Value>, timestamp_ms: i64) -> Option<Value> {
    let name = fields.remove("metric")?.as_str()?.to_owned();
    let value = fields.remove("value").filter(Value::is_number)?;
    let unit = fields
        .remove("unit")
        .and_then(|u| u.as_str().map(str::to_owned))
        .unwrap_or_else(|| "Count".to_owned());
    let dimension_fields: Vec<String> = fields
        .remove("dimensions")
        .and_then(|d| d.as_str().map(str::to_owned))
        .map(|d| {
            d.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    fields.remove("message");
    let mut dimensions = Vec::new();
    for field in &dimension_fields {
        let value = fields.remove(field)?;
        let key = camel(field);
        fields.insert(key.clone(), value);
        dimensions.push(Value::String(key));
    }
    fields.insert(
        "_aws".into(),
        serde_json::json!({
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [dimensions],
                "Metrics": [{"Name": name, "Unit": unit}],
            }],
        }),
    );
    fields.insert(name, value);
    Some(Value::Object(fields))
}

impl<S, W> Layer<S> for EmfLayer<W>
where
    S: tracing::Subscriber,
    W: for<'a> MakeWriter<'a> + 'static,
{
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        let Some(doc) = document(fields.0, now_ms) else {
            // A malformed metric event is a bug in the caller; say so in
            // the log rather than drop it silently.
            eprintln!("tabletap-telemetry: a metric event without `metric` or a numeric `value`");
            return;
        };
        let mut line = doc.to_string();
        line.push('\n');
        // One write per line, so concurrent lines never interleave.
        let _ = self.writer.make_writer().write_all(line.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_metric_event_becomes_an_emf_document() {
        let fields = json!({
            "message": "metric",
            "metric": "OrdersPlaced", "value": 1, "unit": "Count",
            "dimensions": "channel", "channel": "dine_in",
            "restaurant": "demo", "order": "01kb3m8q2n0000000000000007",
        });
        let doc = document(fields.as_object().unwrap().clone(), 1_765_130_000_000).unwrap();
        assert_eq!(
            doc,
            json!({
                "_aws": {"Timestamp": 1_765_130_000_000i64, "CloudWatchMetrics": [{
                    "Namespace": "TableTap",
                    "Dimensions": [["Channel"]],
                    "Metrics": [{"Name": "OrdersPlaced", "Unit": "Count"}],
                }]},
                "OrdersPlaced": 1, "Channel": "dine_in",
                "restaurant": "demo", "order": "01kb3m8q2n0000000000000007",
            })
        );
    }

    #[test]
    fn no_dimensions_is_one_empty_set() {
        let fields = json!({"metric": "OrderToPrinted", "value": 850.0, "unit": "Milliseconds"});
        let doc = document(fields.as_object().unwrap().clone(), 0).unwrap();
        assert_eq!(
            doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([[]])
        );
        assert_eq!(doc["OrderToPrinted"], json!(850.0));
    }

    #[test]
    fn a_metric_without_a_name_or_value_is_refused() {
        assert!(document(json!({"value": 1}).as_object().unwrap().clone(), 0).is_none());
        assert!(
            document(
                json!({"metric": "X", "value": "one"})
                    .as_object()
                    .unwrap()
                    .clone(),
                0
            )
            .is_none()
        );
        assert!(
            document(
                json!({"metric": "X", "value": 1, "dimensions": "missing"})
                    .as_object()
                    .unwrap()
                    .clone(),
                0
            )
            .is_none()
        );
    }
}
