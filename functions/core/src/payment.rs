//! Card payments of takeout orders: what an order remembers about its
//! payment, and the rule that decides whether a reported payment may make
//! an order ACCEPTED. The provider (Stripe) and the signature check live in
//! adapters; here are only the facts and the decision.

use crate::order::{Order, OrderStatus};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Who takes the money. `Test` is local mode's clearly labelled stand-in:
/// no money moves, but the same signed-webhook path runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentProvider {
    Stripe,
    Test,
}

impl PaymentProvider {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentProvider::Stripe => "stripe",
            PaymentProvider::Test => "test",
        }
    }
}

/// Where the order's payment stands, as last reported by the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// The PaymentIntent exists; the customer has not paid yet.
    AwaitingPayment,
    /// The last attempt failed (declined card); the customer may try again.
    Failed,
    /// The PaymentIntent was cancelled: it can never be paid.
    Canceled,
    Succeeded,
}

/// A payment that needs a person: money arrived that did not make the
/// order ACCEPTED.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentProblem {
    /// Amount or currency differ from the order's total.
    AmountMismatch,
    /// The PaymentIntent is not the one created for this order.
    IntentMismatch,
    /// Paid after the order expired (or was cancelled): refund it.
    PaidAfterExpiry,
}

/// What an order stores about its payment. `client_secret` is kept so a
/// retried request (same Idempotency-Key) gets the same PaymentIntent back;
/// it is never shown in order views.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPayment {
    pub provider: PaymentProvider,
    pub intent_id: String,
    pub client_secret: String,
    pub state: PaymentState,
    /// The provider's message for a failed attempt ("Your card was declined.").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<PaymentProblem>,
    /// When the provider created the event behind `state`; older events
    /// never overwrite newer ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_at: Option<Timestamp>,
    /// The provider's refund, once a cancelled paid order was refunded:
    /// recorded so a retried cancel never refunds twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
}

/// The facts a verified payment event states about a PaymentIntent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportedIntent {
    pub intent_id: String,
    /// Minor units, as Stripe counts them.
    pub amount: i64,
    /// Lowercase ISO code, as Stripe writes it.
    pub currency: String,
}

/// What a `payment_intent.succeeded` does to an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SuccessVerdict {
    /// PENDING_PAYMENT -> ACCEPTED.
    Accept,
    /// Already ACCEPTED or further: a replay, nothing to do.
    AlreadyPaid,
    /// Do not cook; keep the money's trail on the order for a person.
    Refuse(PaymentProblem),
}

/// Decides whether a succeeded payment makes `order` ACCEPTED: only when it
/// is the order's own PaymentIntent, for exactly its total and currency,
/// while the order is still waiting for payment and not expired.
pub fn judge_success(order: &Order, intent: &ReportedIntent, now: Timestamp) -> SuccessVerdict {
    let expected = order.payment.as_ref().map(|p| p.intent_id.as_str());
    if expected != Some(intent.intent_id.as_str()) {
        return SuccessVerdict::Refuse(PaymentProblem::IntentMismatch);
    }
    if intent.amount != order.totals.total.minor()
        || !intent
            .currency
            .eq_ignore_ascii_case(order.totals.currency.code())
    {
        return SuccessVerdict::Refuse(PaymentProblem::AmountMismatch);
    }
    match order.status {
        OrderStatus::PendingPayment => {
            if order.expires_at.is_some_and(|at| now > at) {
                SuccessVerdict::Refuse(PaymentProblem::PaidAfterExpiry)
            } else {
                SuccessVerdict::Accept
            }
        }
        OrderStatus::Expired | OrderStatus::Cancelled => {
            SuccessVerdict::Refuse(PaymentProblem::PaidAfterExpiry)
        }
        _ => SuccessVerdict::AlreadyPaid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::sample_unpaid_takeout_order as sample_takeout_order;

    fn paid(order: &Order) -> ReportedIntent {
        ReportedIntent {
            intent_id: order.payment.as_ref().unwrap().intent_id.clone(),
            amount: order.totals.total.minor(),
            currency: "eur".into(),
        }
    }

    #[test]
    fn the_exact_payment_of_a_waiting_order_accepts_it() {
        let order = sample_takeout_order();
        assert_eq!(
            judge_success(&order, &paid(&order), order.placed_at),
            SuccessVerdict::Accept
        );
    }

    #[test]
    fn another_amount_currency_or_intent_is_refused() {
        let order = sample_takeout_order();
        let now = order.placed_at;
        let mut less = paid(&order);
        less.amount -= 1;
        assert_eq!(
            judge_success(&order, &less, now),
            SuccessVerdict::Refuse(PaymentProblem::AmountMismatch)
        );
        let mut dollars = paid(&order);
        dollars.currency = "usd".into();
        assert_eq!(
            judge_success(&order, &dollars, now),
            SuccessVerdict::Refuse(PaymentProblem::AmountMismatch)
        );
        let mut other = paid(&order);
        other.intent_id = "pi_other".into();
        assert_eq!(
            judge_success(&order, &other, now),
            SuccessVerdict::Refuse(PaymentProblem::IntentMismatch)
        );
    }

    #[test]
    fn late_payments_are_refused_and_replays_are_harmless() {
        let mut order = sample_takeout_order();
        let intent = paid(&order);
        let after = order
            .expires_at
            .unwrap()
            .checked_add(jiff::SignedDuration::from_secs(1))
            .unwrap();
        assert_eq!(
            judge_success(&order, &intent, after),
            SuccessVerdict::Refuse(PaymentProblem::PaidAfterExpiry)
        );
        order.status = OrderStatus::Expired;
        assert_eq!(
            judge_success(&order, &intent, order.placed_at),
            SuccessVerdict::Refuse(PaymentProblem::PaidAfterExpiry)
        );
        order.status = OrderStatus::Sent;
        assert_eq!(
            judge_success(&order, &intent, after),
            SuccessVerdict::AlreadyPaid
        );
    }
}
