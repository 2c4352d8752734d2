//! What every handler shares: built once per process (per Lambda cold
//! start), then borrowed by each request.

use crate::cors::Cors;
use std::sync::Arc;
use tabletap_app::payments::{PaymentGateway, WebhookVerifier};
use tabletap_app::ports::{Clock, KitchenPublisher, PhotoStore, StaffDirectory, Store};

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub cors: Cors,
    /// Takeout payments; empty where a function or server has no provider.
    pub payments: Payments,
    /// Where reprints are published (the kitchen's broker); `None` in
    /// functions that never reprint.
    pub kitchen: Option<Arc<dyn KitchenPublisher>>,
    /// The diner site's address, the base of every table link
    /// (`<site>/t/<token>`); `None` where no route makes links.
    pub site_url: Option<String>,
    /// Where item photos go (the upload route only).
    pub photos: Option<Arc<dyn PhotoStore>>,
    /// Who may sign in for a restaurant, and as what (Cognito in AWS, the
    /// local user store locally); `None` in functions that do not manage
    /// staff (their staff routes answer `staff_directory_not_configured`).
    pub staff_directory: Option<Arc<dyn StaffDirectory>>,
}

impl AppState {
    /// A state with only a store and the system clock: no CORS origins,
    /// payments, kitchen, site address or staff directory. Set the fields a process needs.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            clock: Arc::new(tabletap_app::ports::SystemClock),
            cors: Cors::default(),
            payments: Payments::default(),
            kitchen: None,
            site_url: None,
            photos: None,
            staff_directory: None,
        }
    }
}

/// The payment ports a process was configured with. Only the functions
/// that need a Stripe secret get one (the takeout and webhook functions).
#[derive(Clone, Default)]
pub struct Payments {
    pub gateway: Option<Arc<dyn PaymentGateway>>,
    pub webhook: Option<Arc<dyn WebhookVerifier>>,
}
