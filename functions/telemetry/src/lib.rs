//! Logs and metrics of the Lambda functions.
//!
//! - **Logs** are JSON lines (CloudWatch Logs Insights queries them by
//!   field). Every line carries the spans it was logged in, so the
//!   `restaurant` and `order` a handler records on its request span
//!   (`tabletap_api`) or a worker on its per-record span are on every line
//!   logged while serving it.
//! - **Metrics** are tracing events with target [`METRIC_TARGET`]
//!   (`tabletap_app::metrics` emits them). [`EmfLayer`] writes each as one
//!   line in CloudWatch's embedded metric format, which Lambda's log
//!   pipeline turns into a metric with no API call and no extra latency;
//!   the JSON log layer leaves them out so they are not logged twice.

mod emf;

pub use emf::EmfLayer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{Layer, Registry};

/// The target of metric events (`tracing::info!(target: METRIC_TARGET, ...)`).
pub const METRIC_TARGET: &str = "tabletap::metric";

/// The CloudWatch namespace of TableTap's metrics.
pub const NAMESPACE: &str = "TableTap";

/// The log filter: `RUST_LOG` if set (`info`, `debug,aws_smithy=warn`:
/// levels per target, no span filters), else `info`. A `Targets` filter
/// rather than an `EnvFilter`, whose regex engine would be most of a
/// megabyte in every function.
pub fn log_filter() -> Targets {
    let default = Targets::new().with_default(LevelFilter::INFO);
    match std::env::var("RUST_LOG") {
        Ok(text) if !text.trim().is_empty() => text.parse().unwrap_or_else(|error| {
            eprintln!("RUST_LOG={text:?} is not a list of target=level ({error}); logging at info");
            default
        }),
        _ => default,
    }
}

/// The subscriber of a Lambda function: JSON logs and embedded metrics,
/// both to `writer` (stdout in Lambda, a buffer in tests).
pub fn subscriber<W>(writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Clone + Send + Sync + 'static,
{
    let logs = tracing_subscriber::fmt::layer()
        .json()
        .with_writer(writer.clone())
        .with_current_span(false)
        .with_span_list(true)
        .without_time() // CloudWatch stamps every line itself.
        .with_filter(log_filter().with_target(METRIC_TARGET, LevelFilter::OFF));
    // Metrics whatever RUST_LOG says: a quieter log must not drop them.
    let metrics = EmfLayer::new(writer)
        .with_filter(Targets::new().with_target(METRIC_TARGET, tracing::Level::INFO));
    Registry::default().with(logs).with(metrics)
}

/// Installs [`subscriber`] on stdout for the whole process. Call once, first
/// thing in `main`.
pub fn init_lambda() {
    tracing::subscriber::set_global_default(subscriber(std::io::stdout))
        .expect("the logger is installed once");
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_app_emits_metrics_on_our_target() {
        assert_eq!(super::METRIC_TARGET, tabletap_app::metrics::TARGET);
    }
}
