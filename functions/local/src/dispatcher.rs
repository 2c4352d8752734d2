//! Local mode's dispatcher loop: reads the embedded store's change feed and
//! hands each batch to the same dispatcher the Lambda uses. A change is
//! removed from the feed only after it was handled, so a crash or a broker
//! hiccup delays tickets but never loses one.

use std::time::Duration;
use tabletap_app::use_cases::dispatch_accepted_orders::Dispatcher;
use tabletap_store_embedded::EmbeddedStore;

const BATCH: usize = 50;

pub async fn run(dispatcher: Dispatcher<'_, EmbeddedStore>) {
    let store = dispatcher.store;
    let mut retry_delay = Duration::from_millis(200);
    loop {
        let changes = match store.order_changes(BATCH).await {
            Ok(changes) => changes,
            Err(error) => {
                tracing::error!(error = %error, "dispatcher: cannot read the change feed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if changes.is_empty() {
            store.order_changed().await;
            continue;
        }
        let batch: Vec<_> = changes.iter().map(|(_, c)| Some(c.clone())).collect();
        let outcome = dispatcher.dispatch_batch(&batch).await;
        let handled = match outcome.retry_from {
            Some(0) => None,
            Some(position) => Some(changes[position - 1].0),
            None => changes.last().map(|(position, _)| *position),
        };
        if let Some(through) = handled
            && let Err(error) = store.remove_order_changes_through(through).await
        {
            tracing::error!(error = %error, "dispatcher: cannot trim the change feed");
        }
        if outcome.retry_from.is_some() {
            tokio::time::sleep(retry_delay).await;
            retry_delay = (retry_delay * 2).min(Duration::from_secs(10));
        } else {
            retry_delay = Duration::from_millis(200);
        }
    }
}
