//! The plain reads and writes the ports share: strongly consistent reads
//! (the contract promises read-your-writes), unconditional puts, and queries
//! that follow every page.

use crate::DynamoDbStore;
use crate::errors::unavailable;
use crate::items::{Item, from_item};
use crate::keys::ItemKey;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use serde::de::DeserializeOwned;
use tabletap_app::ports::StoreError;

impl DynamoDbStore {
    pub(crate) async fn get_item(&self, key: &ItemKey) -> Result<Option<Item>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        Ok(output.item)
    }

    pub(crate) async fn get_record<T: DeserializeOwned>(
        &self,
        key: &ItemKey,
    ) -> Result<Option<T>, StoreError> {
        self.get_item(key).await?.map(from_item).transpose()
    }

    pub(crate) async fn put_item(&self, item: Item) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| unavailable("PutItem", e))?;
        Ok(())
    }

    /// Runs a query to its last page and decodes every item, in key order.
    pub(crate) async fn query_records<T: DeserializeOwned>(
        &self,
        query: QueryFluentBuilder,
    ) -> Result<Vec<T>, StoreError> {
        let mut records = Vec::new();
        let mut start = None;
        loop {
            let page = query
                .clone()
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| unavailable("Query", e))?;
            for item in page.items.unwrap_or_default() {
                records.push(from_item(item)?);
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(records);
            }
        }
    }
}
