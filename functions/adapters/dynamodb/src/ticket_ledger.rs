//! The ticket ledger on DynamoDB (see docs/dynamodb.md):
//!
//! - a ticket: `R#<restaurant>` / `TICKET#<ticket id>` (ticket ids start
//!   with the order id, so an order's tickets are one Query), TTL a month
//!   after it was recorded;
//! - while unprinted it carries `gsi1pk = UNPRINTED#<shard>` and
//!   `gsi1sk = <next attempt, epoch ms, 15 digits>#<restaurant>#<ticket>`:
//!   a sparse slice of the existing index that holds only tickets still
//!   owed, so the redelivery sweep reads [`SHARDS`] small Queries and an
//!   idle sweep reads nothing. Printing removes both attributes;
//! - a raised alert: `R#<restaurant>` / `DELIVERY_ALERT#<ticket id>`, deleted
//!   when the ticket prints, so a restaurant's alerts are one Query.

use crate::DynamoDbStore;
use crate::errors::{is_condition_failure, unavailable};
use crate::items::{Envelope, Item, from_item, to_item};
use crate::keys::{ItemKey, restaurant_partition};
use crate::schema::{GSI1, GSI1_PK, GSI1_SK, PK, SK};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use tabletap_app::ports::StoreError;
use tabletap_app::ticket_delivery::{TicketLedger, TicketPrinted, TicketRecord};
use tabletap_core::Timestamp;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::OrderId;

/// Partitions of the unprinted slice of the index, so its writes spread
/// over more than one index partition.
pub(crate) const SHARDS: u32 = 4;

/// Tickets are kept a month, for support questions ("did it print?").
const TICKET_LIFETIME: jiff::SignedDuration = jiff::SignedDuration::from_hours(30 * 24);

fn ticket_key(restaurant: &RestaurantId, ticket_id: &str) -> ItemKey {
    ItemKey {
        pk: restaurant_partition(restaurant),
        sk: format!("TICKET#{ticket_id}"),
    }
}

fn alert_key(restaurant: &RestaurantId, ticket_id: &str) -> ItemKey {
    ItemKey {
        pk: restaurant_partition(restaurant),
        sk: format!("DELIVERY_ALERT#{ticket_id}"),
    }
}

fn shard(ticket_id: &str) -> u32 {
    ticket_id.bytes().map(u32::from).sum::<u32>() % SHARDS
}

fn unprinted_partition(ticket_id: &str) -> String {
    format!("UNPRINTED#{}", shard(ticket_id))
}

fn due_sort_key(ticket: &TicketRecord) -> String {
    format!(
        "{:015}#{}#{}",
        ticket.next_attempt_at.as_millisecond().max(0),
        ticket.restaurant_id,
        ticket.ticket_id
    )
}

impl DynamoDbStore {
    async fn query_items(&self, pk: String, sk_prefix: String) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .consistent_read(true)
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":pk", AttributeValue::S(pk.clone()))
                .expression_attribute_values(":prefix", AttributeValue::S(sk_prefix.clone()))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| unavailable("Query", e))?;
            items.extend(output.items.unwrap_or_default());
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }
}

#[async_trait]
impl TicketLedger for DynamoDbStore {
    async fn record_tickets_pending(&self, tickets: &[TicketRecord]) -> Result<(), StoreError> {
        for ticket in tickets {
            let mut envelope = Envelope::new(
                ticket_key(&ticket.restaurant_id, &ticket.ticket_id),
                "ticket",
            );
            envelope.by_day = Some((unprinted_partition(&ticket.ticket_id), due_sort_key(ticket)));
            envelope.expires_at = ticket.created_at.checked_add(TICKET_LIFETIME).ok();
            let result = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(to_item(ticket, envelope)?))
                .condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", PK)
                .send()
                .await;
            match result {
                Ok(_) => {}
                // Recorded by an earlier delivery of the same change: kept.
                Err(error) if is_condition_failure(&error) => {}
                Err(error) => return Err(unavailable("PutItem", error)),
            }
        }
        Ok(())
    }

    async fn mark_ticket_printed(
        &self,
        restaurant: &RestaurantId,
        ticket_id: &str,
        at: Timestamp,
    ) -> Result<TicketPrinted, StoreError> {
        let key = ticket_key(restaurant, ticket_id);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .update_expression("SET #printed = :at REMOVE #gpk, #gsk")
            .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#printed)")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#printed", "printed_at")
            .expression_attribute_names("#gpk", GSI1_PK)
            .expression_attribute_names("#gsk", GSI1_SK)
            .expression_attribute_values(":at", AttributeValue::S(at.to_string()))
            .send()
            .await;
        let outcome = match result {
            Ok(_) => TicketPrinted::Marked,
            Err(error) if is_condition_failure(&error) => {
                if self.get_item(&key).await?.is_some() {
                    TicketPrinted::AlreadyPrinted
                } else {
                    return Ok(TicketPrinted::Unknown);
                }
            }
            Err(error) => return Err(unavailable("UpdateItem", error)),
        };
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(alert_key(restaurant, ticket_id).to_item()))
            .send()
            .await
            .map_err(|e| unavailable("DeleteItem", e))?;
        Ok(outcome)
    }

    async fn order_tickets(
        &self,
        restaurant: &RestaurantId,
        order: &OrderId,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        self.query_items(restaurant_partition(restaurant), format!("TICKET#{order}."))
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    async fn tickets_due(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        // Every sort key of a time up to `now` sorts before this one.
        let end = format!("{:015}$", now.as_millisecond().max(0));
        let mut due: Vec<TicketRecord> = Vec::new();
        for shard in 0..SHARDS {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(GSI1)
                .key_condition_expression("#pk = :pk AND #sk < :end")
                .expression_attribute_names("#pk", GSI1_PK)
                .expression_attribute_names("#sk", GSI1_SK)
                .expression_attribute_values(":pk", AttributeValue::S(format!("UNPRINTED#{shard}")))
                .expression_attribute_values(":end", AttributeValue::S(end.clone()))
                .limit(i32::try_from(limit).unwrap_or(i32::MAX))
                .send()
                .await
                .map_err(|e| unavailable("Query", e))?;
            for item in output.items.unwrap_or_default() {
                due.push(from_item(item)?);
            }
        }
        due.retain(|ticket| !ticket.is_printed());
        due.sort_by_key(|ticket| ticket.next_attempt_at);
        due.truncate(limit);
        Ok(due)
    }

    async fn reschedule_ticket(&self, ticket: &TicketRecord) -> Result<bool, StoreError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(
                ticket_key(&ticket.restaurant_id, &ticket.ticket_id).to_item(),
            ))
            .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#printed)")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#printed", "printed_at")
            .expression_attribute_names("#attempts", "attempts")
            .expression_attribute_names("#next", "next_attempt_at")
            .expression_attribute_names("#gsk", GSI1_SK)
            .expression_attribute_values(
                ":attempts",
                AttributeValue::N(ticket.attempts.to_string()),
            )
            .expression_attribute_values(
                ":next",
                AttributeValue::S(ticket.next_attempt_at.to_string()),
            )
            .expression_attribute_values(":gsk", AttributeValue::S(due_sort_key(ticket)));
        update = match ticket.alerted_at {
            Some(at) => update
                .update_expression(
                    "SET #attempts = :attempts, #next = :next, #gsk = :gsk, #alerted = if_not_exists(#alerted, :alerted)",
                )
                .expression_attribute_names("#alerted", "alerted_at")
                .expression_attribute_values(":alerted", AttributeValue::S(at.to_string())),
            None => update.update_expression("SET #attempts = :attempts, #next = :next, #gsk = :gsk"),
        };
        match update.send().await {
            Ok(_) => {}
            Err(error) if is_condition_failure(&error) => return Ok(false),
            Err(error) => return Err(unavailable("UpdateItem", error)),
        }
        if ticket.alerted_at.is_some() {
            let alert = alert_key(&ticket.restaurant_id, &ticket.ticket_id);
            let mut item = alert.to_item();
            item.insert(
                "entity".to_owned(),
                AttributeValue::S("delivery_alert".to_owned()),
            );
            self.put_item(item).await?;
        }
        Ok(true)
    }

    async fn delivery_alerts(
        &self,
        restaurant: &RestaurantId,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        let alerts = self
            .query_items(
                restaurant_partition(restaurant),
                "DELIVERY_ALERT#".to_owned(),
            )
            .await?;
        let mut tickets = Vec::new();
        for alert in alerts {
            let Some(ticket_id) = alert
                .get(SK)
                .and_then(|sk| sk.as_s().ok())
                .and_then(|sk| sk.strip_prefix("DELIVERY_ALERT#"))
            else {
                continue;
            };
            // Read the ticket itself: an alert item may outlive its print
            // by a moment (a sweep's put racing the print's delete).
            if let Some(item) = self.get_item(&ticket_key(restaurant, ticket_id)).await? {
                let ticket: TicketRecord = from_item(item)?;
                if !ticket.is_printed() {
                    tickets.push(ticket);
                }
            }
        }
        tickets.sort_by_key(|t| t.created_at);
        Ok(tickets)
    }
}
