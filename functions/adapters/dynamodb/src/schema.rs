//! The table's shape, shared by the adapter, the SAM template and tests:
//! string keys `pk`/`sk`, an index `gsi1` for a restaurant's orders by
//! business day, an index `gsi2` of their last changes (for the staff
//! board's polls), a TTL attribute and a stream for the dispatcher.

use anyhow::Context;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType, TableStatus,
    TimeToLiveSpecification,
};
use std::time::Duration;

/// Partition key: `R#<restaurant>` for everything a restaurant owns.
pub const PK: &str = "pk";
/// Sort key: the kind of record and its id (`TABLE#7`, `ORDER#<ulid>`).
pub const SK: &str = "sk";
/// Index listing a restaurant's orders of one business day, oldest first.
pub const GSI1: &str = "gsi1";
/// `R#<restaurant>#DAY#<yyyy-mm-dd>`, on orders only.
pub const GSI1_PK: &str = "gsi1pk";
/// The order id: ULIDs sort by creation time.
pub const GSI1_SK: &str = "gsi1sk";
/// Index of every order's last change (keys only), so a board's poll
/// reads small items and only those that changed.
pub const GSI2: &str = "gsi2";
/// `R#<restaurant>#CHANGES`, on orders only.
pub const GSI2_PK: &str = "gsi2pk";
/// `<updated_at µs, 20 digits>#<order id>`: sorts by the last change.
pub const GSI2_SK: &str = "gsi2sk";
/// Epoch seconds after which DynamoDB may delete the item (TTL). Not
/// `expires_at`: records already use that name for their own timestamp.
pub const EXPIRES_AT_EPOCH: &str = "expires_at_epoch";
/// What kind of record an item holds, so stream consumers can filter
/// (`entity = order`) without parsing keys.
pub const ENTITY: &str = "entity";

/// Creates the table with the same keys, index, TTL and stream as the SAM
/// template, and waits until it is usable. For tests and local setup; in AWS
/// the template owns the table.
pub async fn create_table(client: &Client, table: &str) -> anyhow::Result<()> {
    let string_attribute = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
    };
    let key = |name: &str, key_type: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(key_type)
            .build()
    };
    let by_day = GlobalSecondaryIndex::builder()
        .index_name(GSI1)
        .key_schema(key(GSI1_PK, KeyType::Hash)?)
        .key_schema(key(GSI1_SK, KeyType::Range)?)
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()?;
    let by_change = GlobalSecondaryIndex::builder()
        .index_name(GSI2)
        .key_schema(key(GSI2_PK, KeyType::Hash)?)
        .key_schema(key(GSI2_SK, KeyType::Range)?)
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::KeysOnly)
                .build(),
        )
        .build()?;
    let stream = StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(StreamViewType::NewAndOldImages)
        .build()?;
    client
        .create_table()
        .table_name(table)
        .attribute_definitions(string_attribute(PK)?)
        .attribute_definitions(string_attribute(SK)?)
        .attribute_definitions(string_attribute(GSI1_PK)?)
        .attribute_definitions(string_attribute(GSI1_SK)?)
        .attribute_definitions(string_attribute(GSI2_PK)?)
        .attribute_definitions(string_attribute(GSI2_SK)?)
        .key_schema(key(PK, KeyType::Hash)?)
        .key_schema(key(SK, KeyType::Range)?)
        .global_secondary_indexes(by_day)
        .global_secondary_indexes(by_change)
        .billing_mode(BillingMode::PayPerRequest)
        .stream_specification(stream)
        .send()
        .await
        .with_context(|| format!("cannot create DynamoDB table {table}"))?;
    wait_until_active(client, table).await?;
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name(EXPIRES_AT_EPOCH)
                .build()?,
        )
        .send()
        .await
        .with_context(|| format!("cannot enable TTL on DynamoDB table {table}"))?;
    Ok(())
}

async fn wait_until_active(client: &Client, table: &str) -> anyhow::Result<()> {
    for _ in 0..120 {
        let described = client
            .describe_table()
            .table_name(table)
            .send()
            .await
            .with_context(|| format!("cannot describe DynamoDB table {table}"))?;
        if described.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    anyhow::bail!("DynamoDB table {table} did not become ACTIVE within 60 s")
}
