//! The HTTP server: the API under `/api`, the site everywhere else.

use crate::cli::ServeArgs;
use crate::http_bridge::{api_method_not_allowed, api_not_found, preflight, serve_route};
use crate::kitchen;
use crate::outbox::Outbox;
use crate::payments::{self, LocalPayments};
use crate::staff::StaffAuth;
use crate::staff::directory::LocalStaffDirectory;
use crate::staff::tokens::TokenIssuer;
use crate::staff::users::UserStore;
use crate::test_payment::{TestPayments, test_payment};
use crate::{dispatcher, seed};
use anyhow::Context;
use axum::Router;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{MethodFilter, MethodRouter, get};
use std::path::Path;
use std::sync::Arc;
use tabletap_api::cors::Cors;
use tabletap_api::{AppState, ROUTES};
use tabletap_app::ports::RestaurantStore;
use tabletap_app::ports::SystemClock;
use tabletap_app::ticket_delivery::LogOnlyAlerts;
use tabletap_app::use_cases::dispatch_accepted_orders::Dispatcher;
use tabletap_app::use_cases::expire_unpaid_orders::expire_unpaid_orders;
use tabletap_app::use_cases::redeliver_unprinted_tickets::redeliver_unprinted_tickets;
use tabletap_core::ids::RestaurantId;
use tabletap_core::payment::PaymentProvider;
use tabletap_store_embedded::EmbeddedStore;
use tower_http::services::{ServeDir, ServeFile};

/// The sender of the staff invitations written to the outbox.
const INVITATION_FROM: &str = "TableTap staff sign-in <staff@tabletap.local>";

pub async fn serve(store: EmbeddedStore, data_dir: &Path, args: ServeArgs) -> anyhow::Result<()> {
    let demo = if args.no_demo {
        None
    } else {
        Some(seed::seed_demo_if_empty(&store).await?)
    };
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (is another server running there? try --addr 127.0.0.1:0)",
                args.addr
            )
        })?;
    let local = listener.local_addr()?;
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"));

    let payments = payments::configure(&args, data_dir)?;
    let kitchen_restaurant = RestaurantId::parse(&args.kitchen_restaurant)
        .context("--kitchen-restaurant is not a restaurant id")?;
    let kitchen =
        kitchen::start(data_dir, args.mqtt_addr, &kitchen_restaurant, store.clone()).await?;
    let staff = StaffAuth {
        users: Arc::new(UserStore::open(data_dir)?),
        tokens: Arc::new(TokenIssuer::open(data_dir)?),
    };
    // Owners manage staff on the same user store the sign-in reads;
    // invitations go to the outbox (local mode has no mail service).
    let invitations = Outbox::new(data_dir.join("outbox"), INVITATION_FROM)?;
    let staff_directory =
        LocalStaffDirectory::new(staff.users.clone(), Arc::new(invitations), &public_url);
    let state = AppState {
        store: Arc::new(store.clone()),
        clock: Arc::new(SystemClock),
        cors: Cors::from_list(&args.allowed_origins),
        payments: payments.payments.clone(),
        kitchen: Some(kitchen.publisher.clone()),
        site_url: Some(public_url.clone()),
        photos: Some(Arc::new(crate::photos::FolderPhotos {
            root: data_dir.to_owned(),
        })),
        staff_directory: Some(Arc::new(staff_directory)),
    };
    let demo_login = match &demo {
        Some(demo) => Some(crate::staff::demo_login(&staff.users, data_dir, demo)?),
        None => None,
    };
    let app = router(state.clone(), &args, &payments, &staff, data_dir);
    tokio::spawn(expire_unpaid_orders_every_minute(store.clone()));
    let outbox = Outbox::new(data_dir.join("outbox"), &args.receipt_from)?;
    let clock = SystemClock;
    let dispatcher = Dispatcher {
        store: &store,
        kitchen: &*kitchen.publisher,
        mailer: &outbox,
        clock: &clock,
    };

    if let Some(demo) = demo {
        println!("Order from a table of the demo restaurant:");
        seed::print_table_links(&demo, &seed::table_links(&store, &demo, &public_url).await?);
    }
    if let Some((username, password)) = demo_login {
        println!(
            "Staff board: {public_url}/staff/ (demo staff login: {username} / {password}; add people with `tabletap-local staff add`)"
        );
    }
    println!(
        "Kitchen: MQTT broker on {} (mutual TLS). Start the printer bridge with:\n  tabletap-listener --config {} run\nTickets then print to {}",
        kitchen.broker,
        kitchen.listener_config.display(),
        kitchen.printer_file.display()
    );
    println!(
        "Receipts are written to {}",
        data_dir.join("outbox").display()
    );
    // The owner commands find the running server here (remote.rs).
    let loopback = if local.ip().is_unspecified() {
        std::net::SocketAddr::from(([127, 0, 0, 1], local.port()))
    } else {
        local
    };
    let _server_file = crate::remote::ServerFileGuard::write(
        data_dir,
        &crate::remote::ServerFile {
            api: format!("http://{loopback}/api"),
            public_url: public_url.clone(),
            pid: std::process::id(),
        },
    )?;
    let shutdown = shutdown_signal();
    // Printed last: scripts and the test harness wait for this exact line.
    println!("TableTap is listening on http://{local}");
    if !args.site_dir.join("index.html").exists() {
        tracing::warn!(site = %args.site_dir.display(), "no site found there: only the API is served (run from the repository root or set TABLETAP_SITE_DIR)");
    }
    let server = axum::serve(listener, app).with_graceful_shutdown(shutdown);
    tokio::select! {
        served = server => served.context("the server stopped with an error")?,
        () = dispatcher::run(dispatcher) => {}
        () = redeliver_unprinted_tickets_every_second(
            &store,
            &kitchen.publisher,
            jiff::SignedDuration::from_secs(i64::from(args.delivery_alert_after)),
        ) => {}
    }
    println!("TableTap stopped; data kept.");
    Ok(())
}

fn router(
    state: AppState,
    args: &ServeArgs,
    payments: &LocalPayments,
    staff: &StaffAuth,
    data_dir: &std::path::Path,
) -> Router {
    let mut api = Router::new()
        // Local mode's stand-in for Cognito (staff/mod.rs).
        .route(
            "/staff/sign-in",
            axum::routing::post(crate::staff::sign_in)
                .with_state(staff.clone())
                .options(preflight)
                .fallback(api_method_not_allowed),
        )
        .route(
            "/staff/refresh",
            axum::routing::post(crate::staff::refresh)
                .with_state(staff.clone())
                .options(preflight)
                .fallback(api_method_not_allowed),
        );
    // Local mode only, and only without Stripe: pay a takeout order with a
    // signed test event (test_payment.rs).
    if payments.provider == Some(PaymentProvider::Test) {
        let test = TestPayments {
            state: state.clone(),
            webhook_secret: payments.webhook_secret.as_str().into(),
        };
        api = api.route(
            "/restaurants/{restaurant_id}/orders/{order_id}/test-payment",
            axum::routing::post(test_payment)
                .with_state(test)
                .options(preflight)
                .fallback(api_method_not_allowed),
        );
    }
    // One method router per path: a path may serve several routes (GET and
    // PUT of one resource), and axum wants each path registered once.
    let mut paths: Vec<&'static str> = ROUTES.iter().map(|r| r.path()).collect();
    paths.sort_unstable();
    paths.dedup();
    for path in paths {
        let mut methods = MethodRouter::new();
        for route in ROUTES.into_iter().filter(|r| r.path() == path) {
            let filter =
                MethodFilter::try_from(route.method()).expect("routes use standard methods");
            methods = methods.on(filter, move |state, tokens, params, request| {
                serve_route(route, state, tokens, params, request)
            });
        }
        api = api.route(
            path,
            methods.options(preflight).fallback(api_method_not_allowed),
        );
    }
    let api = api
        .fallback(api_not_found)
        .layer(axum::Extension(staff.clone()))
        .with_state(state.clone());

    let site_payments = (payments.provider, payments.publishable_key.clone());
    // Table links and the takeout page are client-side pages of the site.
    let index = args.site_dir.join("index.html");
    let site = ServeDir::new(&args.site_dir).fallback(ServeFile::new(&index));
    // Item photos (photos.rs): content-named files, so cached for good.
    let photos = Router::new()
        .fallback_service(ServeDir::new(data_dir.join("photos")))
        .layer(axum::middleware::map_response(
            |mut response: Response| async move {
                if response.status().is_success() {
                    response.headers_mut().insert(
                        axum::http::header::CACHE_CONTROL,
                        axum::http::HeaderValue::from_static("public, max-age=31536000, immutable"),
                    );
                }
                response
            },
        ));
    Router::new()
        .nest("/api", api)
        .nest_service("/photos", photos)
        .route("/config.json", get(move || site_config(site_payments)))
        .fallback_service(site)
        .with_state(state)
}

/// The site's runtime configuration (in AWS, a file written at deploy).
async fn site_config(
    (provider, publishable_key): (Option<PaymentProvider>, Option<String>),
) -> Response {
    Json(serde_json::json!({
        "apiBaseUrl": "/api",
        "mode": "local",
        // "test": pay with POST .../test-payment (no money moves).
        // null: no payments here, takeout answers `payments_unavailable`.
        "paymentProvider": provider.map(PaymentProvider::as_str),
        "stripePublishableKey": publishable_key,
        // Staff pages sign in with POST /api/staff/sign-in (Cognito in AWS).
        "staffAuth": "local",
    }))
    .into_response()
}

/// The server's own redelivery loop (a scheduled Lambda's job in AWS):
/// tickets not acknowledged in time are published again with their id, so a
/// broker that forgot them (rumqttd keeps sessions in memory; a ticket
/// published before the listener re-subscribed is dropped) costs a delay,
/// never a ticket. See docs/kitchen-delivery.md.
async fn redeliver_unprinted_tickets_every_second(
    store: &EmbeddedStore,
    kitchen: &kitchen::MqttPublisher,
    alert_after: jiff::SignedDuration,
) {
    let clock = SystemClock;
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        tick.tick().await;
        if let Err(error) =
            redeliver_unprinted_tickets(store, kitchen, &LogOnlyAlerts, &clock, alert_after).await
        {
            tracing::warn!(error = %error, "redelivery sweep failed; retried in a second");
        }
    }
}

/// Unpaid takeout orders past their expiry become EXPIRED (DynamoDB's TTL
/// and the payment check do this job in AWS): at start, then every minute.
async fn expire_unpaid_orders_every_minute(store: EmbeddedStore) {
    let clock = SystemClock;
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let restaurants = match store.list_restaurant_ids().await {
            Ok(ids) => ids,
            Err(error) => {
                tracing::warn!(error = %error, "cannot list restaurants for the expiry sweep");
                continue;
            }
        };
        for id in restaurants {
            let Ok(Some(restaurant)) = store.get_restaurant(&id).await else {
                continue;
            };
            if let Err(error) = expire_unpaid_orders(&store, &clock, &restaurant).await {
                tracing::warn!(restaurant = %id, error = %error, "expiry sweep failed; retried in a minute");
            }
        }
    }
}

/// Registers for SIGTERM and Ctrl-C now (before the server says it is
/// listening, so a stop right after start is a graceful one) and resolves
/// when either arrives.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let terminate = signal(SignalKind::terminate());
        let interrupt = signal(SignalKind::interrupt());
        async move {
            match (terminate, interrupt) {
                (Ok(mut terminate), Ok(mut interrupt)) => {
                    tokio::select! {
                        _ = terminate.recv() => {},
                        _ = interrupt.recv() => {},
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
