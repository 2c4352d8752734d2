//! Command line: `serve` (the default) and the owner tasks, which work on
//! the data folder directly when the server is stopped and through the
//! running server's owner API when it runs (remote.rs).

use crate::remote::RunningServer;
use crate::{seed, server};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use tabletap_app::use_cases::import_restaurant::{check_restaurant_file, import_restaurant};
use tabletap_app::use_cases::rotate_table_token::rotate_table_token;
use tabletap_core::ids::{RestaurantId, TableId};
use tabletap_store_embedded::EmbeddedStore;

#[derive(Parser)]
#[command(
    name = "tabletap-local",
    version,
    about = "TableTap on one machine: API, site and store, no cloud needed."
)]
// `tabletap-local --addr ...` and `tabletap-local serve --addr ...` both
// serve: the serve options are given before `serve` or after it.
pub struct Cli {
    /// Folder for the data file; created if missing, kept across restarts.
    #[arg(
        long,
        env = "TABLETAP_DATA_DIR",
        default_value = ".tabletap",
        global = true
    )]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(clap::Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on. Port 0 picks a free port (printed at start).
    #[arg(long, env = "TABLETAP_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Folder with the static site.
    #[arg(long, env = "TABLETAP_SITE_DIR", default_value = "site")]
    pub site_dir: PathBuf,
    /// Base URL printed in table links, e.g. http://192.168.1.20:8080 so
    /// phones on the restaurant Wi-Fi can reach this machine.
    #[arg(long, env = "TABLETAP_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Origins other than this server's own that may call the API.
    #[arg(long, env = "TABLETAP_ALLOWED_ORIGINS", default_value = "")]
    pub allowed_origins: String,
    /// Do not load the demo restaurant into an empty store.
    #[arg(long, env = "TABLETAP_NO_DEMO")]
    pub no_demo: bool,
    /// Where the embedded MQTT broker (the local IoT Core) listens for the
    /// kitchen listener, with mutual TLS.
    #[arg(long, env = "TABLETAP_MQTT_ADDR", default_value = "127.0.0.1:8883")]
    pub mqtt_addr: SocketAddr,
    /// The restaurant whose kitchen listener configuration is written to
    /// `<data-dir>/kitchen/listener.toml`.
    #[arg(long, env = "TABLETAP_KITCHEN_RESTAURANT", default_value = "demo")]
    pub kitchen_restaurant: String,
    /// Sender of the receipts written to `<data-dir>/outbox/`.
    #[arg(
        long,
        env = "TABLETAP_RECEIPT_FROM",
        default_value = "TableTap receipts <receipts@tabletap.local>"
    )]
    pub receipt_from: String,
    /// Offer test payments (no money moves; tickets say TEST PAYMENT - NOT
    /// PAID) without the demo restaurant. With the demo they are on anyway;
    /// otherwise, without --stripe-secret-key, takeout is not offered.
    #[arg(long, env = "TABLETAP_DEV_TEST_PAYMENTS")]
    pub dev_test_payments: bool,
    /// Stripe secret key (sk_test_...): takeout payments go through Stripe's
    /// API. Without it, takeout needs test payments (the demo or
    /// --dev-test-payments).
    #[arg(long, env = "TABLETAP_STRIPE_SECRET_KEY", hide_env_values = true)]
    pub stripe_secret_key: Option<String>,
    /// Signing secret (whsec_...) of the webhook endpoint that delivers to
    /// /api/stripe/webhook. Default: one generated and kept in the data folder.
    #[arg(long, env = "TABLETAP_STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    pub stripe_webhook_secret: Option<String>,
    /// Stripe publishable key (pk_test_...) handed to the site.
    #[arg(long, env = "TABLETAP_STRIPE_PUBLISHABLE_KEY")]
    pub stripe_publishable_key: Option<String>,
    /// Another Stripe-compatible API, e.g. localstripe's http://127.0.0.1:8420.
    #[arg(long, env = "TABLETAP_STRIPE_API_BASE")]
    pub stripe_api_base: Option<String>,
    /// Seconds a kitchen ticket may stay unprinted after its first send
    /// before the staff board shows a delivery alert (it keeps being sent
    /// either way).
    #[arg(long, env = "TABLETAP_DELIVERY_ALERT_AFTER", default_value_t = 120, value_parser = clap::value_parser!(u32).range(1..=86400))]
    pub delivery_alert_after: u32,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve(ServeArgs),
    /// Load a restaurant, its menu and tables from a YAML or JSON file.
    Import { file: PathBuf },
    /// List a restaurant's tables with their ordering links.
    Tables {
        #[arg(long, default_value = "demo")]
        restaurant: String,
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
    /// Give a table a new QR token; the old link stops working.
    RotateTable {
        #[arg(long, default_value = "demo")]
        restaurant: String,
        #[arg(long)]
        table: String,
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
    /// Write the printable QR sheet (PDF, six codes per page) and optionally one PNG per table.
    QrSheet(crate::qr_sheet::QrSheetArgs),
    /// Staff sign-in for the board (local mode's stand-in for Cognito).
    #[command(subcommand)]
    Staff(StaffCommand),
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Add a member of staff or an owner, or give someone another role.
    /// Prints a generated password unless one comes on standard input.
    Add {
        #[arg(long, default_value = "demo")]
        restaurant: String,
        /// What they sign in with, e.g. anna@example.com.
        #[arg(long)]
        username: String,
        /// staff (the board, bumps, cancels, reprints, 86) or owner (also the figures).
        #[arg(long, default_value = "staff")]
        role: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        private_folder(&self.data_dir)?;
        // Staff accounts live beside the store, so they can be added while
        // the server runs (it rereads the file when it changes).
        if let Some(Command::Staff(command)) = self.command {
            return command.run(&self.data_dir);
        }
        let opened = EmbeddedStore::open(&self.data_dir.join("tabletap.redb"));
        let store = match (opened, self.command) {
            (Ok(store), command) => (store, command),
            // The server holds the store: the owner commands go through it.
            (Err(error), Some(command))
                if EmbeddedStore::is_in_use(&error) && command.is_owner_task() =>
            {
                return command.run_on_server(&self.data_dir).await;
            }
            (Err(error), _) => return Err(error),
        };
        match store {
            (store, None) => server::serve(store, &self.data_dir, self.serve).await,
            (store, Some(Command::Serve(args))) => server::serve(store, &self.data_dir, args).await,
            (store, Some(Command::Import { file })) => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let checked = check_restaurant_file(&file.to_string_lossy(), &text)?;
                let report = import_restaurant(&store, checked).await?;
                println!("Imported {}: {report}.", report.restaurant);
                Ok(())
            }
            (
                store,
                Some(Command::Tables {
                    restaurant,
                    public_url,
                }),
            ) => {
                let restaurant = RestaurantId::parse(restaurant)?;
                seed::print_table_links(
                    &restaurant,
                    &seed::table_links(&store, &restaurant, &public_url).await?,
                );
                Ok(())
            }
            (
                store,
                Some(Command::RotateTable {
                    restaurant,
                    table,
                    public_url,
                }),
            ) => {
                let restaurant = RestaurantId::parse(restaurant)?;
                let table = TableId::parse(table)?;
                let rotated = rotate_table_token(&store, &restaurant, &table).await?;
                println!(
                    "{}: {}",
                    rotated.label,
                    tabletap_core::table::table_link(&public_url, &rotated.token)
                );
                Ok(())
            }
            (store, Some(Command::QrSheet(args))) => args.run(&store).await,
            (_, Some(Command::Staff(_))) => unreachable!("handled above"),
        }
    }
}

impl Command {
    fn is_owner_task(&self) -> bool {
        matches!(
            self,
            Command::Import { .. }
                | Command::Tables { .. }
                | Command::RotateTable { .. }
                | Command::QrSheet(_)
        )
    }

    /// An owner task while the server runs: through its owner API
    /// (remote.rs). Links are the server's (its --public-url).
    async fn run_on_server(self, data_dir: &std::path::Path) -> anyhow::Result<()> {
        match self {
            Command::Import { file } => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let name = file.to_string_lossy();
                let checked = check_restaurant_file(&name, &text)?;
                let id = checked.restaurant.id;
                let server = RunningServer::find(data_dir, &id)?;
                let message = server.import(&id, &name, text).await?;
                println!("Imported {id} into the running server: {message}");
                Ok(())
            }
            Command::Tables { restaurant, .. } => {
                let restaurant = RestaurantId::parse(restaurant)?;
                let server = RunningServer::find(data_dir, &restaurant)?;
                seed::print_table_links(&restaurant, &server.tables(&restaurant).await?);
                Ok(())
            }
            Command::RotateTable {
                restaurant, table, ..
            } => {
                let restaurant = RestaurantId::parse(restaurant)?;
                let server = RunningServer::find(data_dir, &restaurant)?;
                let (label, link) = server.rotate(&restaurant, &table).await?;
                println!("{label}: {link}");
                Ok(())
            }
            Command::QrSheet(args) => args.run_on_server(data_dir).await,
            Command::Serve(_) | Command::Staff(_) => unreachable!("not an owner task"),
        }
    }
}

impl StaffCommand {
    fn run(self, data_dir: &std::path::Path) -> anyhow::Result<()> {
        match self {
            StaffCommand::Add {
                restaurant,
                username,
                role,
                password_stdin,
            } => {
                let restaurant = RestaurantId::parse(restaurant)?;
                let role = tabletap_core::staff::Role::parse(&role).ok_or_else(|| {
                    anyhow::anyhow!("--role must be staff or owner, not {role:?}")
                })?;
                let users = crate::staff::users::UserStore::open(data_dir)?;
                let (password, generated) = if password_stdin {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    (Some(line.trim_end_matches(['\r', '\n']).to_owned()), false)
                } else if users.find(&username).is_some() {
                    (None, false)
                } else {
                    (Some(crate::staff::users::random_password()), true)
                };
                let user = users.add(&username, password.as_deref(), &restaurant, role)?;
                println!("{}: {}", user.username, user.groups.join(", "));
                if generated && let Some(password) = password {
                    println!("password: {password}");
                }
                Ok(())
            }
        }
    }
}

/// Creates the data folder for its owner only, and takes back a folder an
/// older version left readable by others.
fn private_folder(dir: &std::path::Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the data folder {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("cannot make {} private to its owner", dir.display()))
}
