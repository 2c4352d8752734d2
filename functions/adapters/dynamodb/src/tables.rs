//! Tables and their QR tokens. A table lives in its restaurant's partition
//! (`TABLE#<id>`); each token has its own item keyed by the token, because a
//! scanned QR code is the only thing a diner brings. Rotating a token writes
//! the table, the new token (active) and the old one (revoked) in one
//! transaction.

use crate::DynamoDbStore;
use crate::errors::unavailable_because;
use crate::items::{Envelope, to_item, to_value};
use crate::keys::{self, TABLE_PREFIX};
use crate::schema::{PK, SK};
use crate::transactions::{MAX_ATTEMPTS, Reasons, Transaction, back_off, build_put, write};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem};
use tabletap_app::ports::{StoreError, TableStore};
use tabletap_core::ids::{RestaurantId, TableId};
use tabletap_core::table::{Table, TokenLookup};
use tabletap_core::token::TableToken;

#[async_trait]
impl TableStore for DynamoDbStore {
    async fn put_table(&self, table: &Table) -> Result<(), StoreError> {
        for attempt in 0..MAX_ATTEMPTS {
            let previous: Option<Table> = self
                .get_record(&keys::table(&table.restaurant_id, &table.id))
                .await?;
            let writes = self.table_writes(table, previous.as_ref())?;
            match self.transact_write(writes).await? {
                Transaction::Written => return Ok(()),
                // Someone else changed the table since we read it (index 0 is
                // the table's own put) or raced us: read again and redo.
                Transaction::Cancelled(reasons)
                    if Reasons(&reasons).condition_failed(0) || Reasons(&reasons).conflicted() =>
                {
                    back_off(attempt).await;
                }
                Transaction::Cancelled(reasons) => {
                    return Err(unavailable_because(format!(
                        "DynamoDB cancelled the table write: {:?}",
                        Reasons(&reasons).codes()
                    )));
                }
            }
        }
        Err(unavailable_because(format!(
            "table write kept colliding after {MAX_ATTEMPTS} attempts"
        )))
    }

    async fn get_table(
        &self,
        restaurant: &RestaurantId,
        table: &TableId,
    ) -> Result<Option<Table>, StoreError> {
        self.get_record(&keys::table(restaurant, table)).await
    }

    async fn list_tables(&self, restaurant: &RestaurantId) -> Result<Vec<Table>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK)
            .expression_attribute_values(
                ":pk",
                AttributeValue::S(keys::restaurant_partition(restaurant)),
            )
            .expression_attribute_values(":prefix", AttributeValue::S(TABLE_PREFIX.to_owned()))
            .consistent_read(true);
        self.query_records(query).await
    }

    async fn delete_table(
        &self,
        restaurant: &RestaurantId,
        table: &TableId,
    ) -> Result<bool, StoreError> {
        for attempt in 0..MAX_ATTEMPTS {
            let Some(previous): Option<Table> =
                self.get_record(&keys::table(restaurant, table)).await?
            else {
                return Ok(false);
            };
            // The delete only applies if the table still has the token we
            // revoke, like a rotation's put.
            let key = keys::table(restaurant, table);
            let delete = Delete::builder()
                .table_name(&self.table)
                .key(PK, AttributeValue::S(key.pk))
                .key(SK, AttributeValue::S(key.sk))
                .condition_expression("#token = :previous")
                .expression_attribute_names("#token", "token")
                .expression_attribute_values(":previous", to_value(&previous.token)?)
                .build()
                .map_err(|e| {
                    StoreError::Corrupt(anyhow::Error::new(e).context("cannot build a delete"))
                })?;
            let revoked = TokenLookup::Revoked {
                restaurant_id: restaurant.clone(),
                table_id: table.clone(),
            };
            let writes = vec![
                TransactWriteItem::builder().delete(delete).build(),
                self.token_write(&previous.token, &revoked)?,
            ];
            match self.transact_write(writes).await? {
                Transaction::Written => return Ok(true),
                Transaction::Cancelled(reasons)
                    if Reasons(&reasons).condition_failed(0) || Reasons(&reasons).conflicted() =>
                {
                    back_off(attempt).await;
                }
                Transaction::Cancelled(reasons) => {
                    return Err(unavailable_because(format!(
                        "DynamoDB cancelled the table delete: {:?}",
                        Reasons(&reasons).codes()
                    )));
                }
            }
        }
        Err(unavailable_because(format!(
            "table delete kept colliding after {MAX_ATTEMPTS} attempts"
        )))
    }

    async fn lookup_table_token(
        &self,
        token: &TableToken,
    ) -> Result<Option<TokenLookup>, StoreError> {
        self.get_record(&keys::table_token(token)).await
    }
}

impl DynamoDbStore {
    /// The writes of one `put_table`. The table's put only applies if the
    /// table still has the token we read (or still does not exist), so two
    /// concurrent rotations cannot leave a token active that the table no
    /// longer has.
    fn table_writes(
        &self,
        table: &Table,
        previous: Option<&Table>,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let table_item = to_item(
            table,
            Envelope::new(keys::table(&table.restaurant_id, &table.id), "table"),
        )?;
        let mut table_put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(table_item));
        table_put = match previous {
            Some(previous) => table_put
                .condition_expression("#token = :previous")
                .expression_attribute_names("#token", "token")
                .expression_attribute_values(":previous", to_value(&previous.token)?),
            None => table_put
                .condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", PK),
        };
        let mut writes = vec![
            write(build_put(table_put)?),
            self.token_write(&table.token, &TokenLookup::Active(table.clone()))?,
        ];
        if let Some(previous) = previous.filter(|p| p.token != table.token) {
            let revoked = TokenLookup::Revoked {
                restaurant_id: table.restaurant_id.clone(),
                table_id: table.id.clone(),
            };
            writes.push(self.token_write(&previous.token, &revoked)?);
        }
        Ok(writes)
    }

    fn token_write(
        &self,
        token: &TableToken,
        lookup: &TokenLookup,
    ) -> Result<TransactWriteItem, StoreError> {
        let item = to_item(
            lookup,
            Envelope::new(keys::table_token(token), "table_token"),
        )?;
        Ok(write(build_put(
            Put::builder().table_name(&self.table).set_item(Some(item)),
        )?))
    }
}
