//! `tabletap-ops`: what an operator needs to put a restaurant on a freshly
//! deployed stack and keep it running, through the same use cases as the
//! local CLI (`tabletap-local`) and the owner pages.

use crate::aws::{self, AwsArgs};
use crate::owners;
use crate::stack::{Target, TargetArgs};
use crate::store;
use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use tabletap_app::ports::{RestaurantStore, TableStore};
use tabletap_app::use_cases::import_restaurant::{check_restaurant_file, import_restaurant};
use tabletap_app::use_cases::owner::staff::invite_or_change_role;
use tabletap_core::ids::RestaurantId;
use tabletap_core::restaurant::Restaurant;
use tabletap_core::staff::{EmailAddress, Role};
use tabletap_qrsheet::Sheet;
use tabletap_qrsheet::command::SheetArgs;
use tabletap_staff_cognito::CognitoStaffDirectory;
use tabletap_store_dynamodb::DynamoDbStore;

#[derive(Parser, Debug)]
#[command(
    name = "tabletap-ops",
    version,
    about = "Set up and run a deployed TableTap stack: restaurants, owners, table links, QR sheets.",
    after_help = "Example:\n  tabletap-ops --stack tabletap create-restaurant --file my-restaurant.yaml\n  \
                  tabletap-ops --stack tabletap create-owner --restaurant demo --email owner@example.com\n  \
                  tabletap-ops --stack tabletap qr-sheet --restaurant demo --out tables.pdf\n\
                  See docs/ops.md."
)]
pub struct Cli {
    #[command(flatten)]
    target: TargetArgs,
    #[command(flatten)]
    aws: AwsArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create or update a restaurant, its menu and tables from a YAML or
    /// JSON restaurant file (the format of functions/local/demo/trattoria.yaml).
    /// Tables already there keep their QR codes.
    CreateRestaurant {
        #[arg(long)]
        file: PathBuf,
    },
    /// Invite the restaurant's owner: a Cognito user with this email (Cognito
    /// emails a temporary password) in the group `<restaurant>:owner`.
    CreateOwner {
        /// The restaurant's id (`restaurant.id` in its file).
        #[arg(long)]
        restaurant: String,
        #[arg(long)]
        email: String,
    },
    /// List the restaurant's tables with their ordering links.
    Tables {
        /// The restaurant's id (`restaurant.id` in its file).
        #[arg(long)]
        restaurant: String,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Write the printable QR sheet (PDF, six codes per page with cut marks)
    /// and optionally one PNG per table.
    QrSheet {
        /// The restaurant's id (`restaurant.id` in its file).
        #[arg(long)]
        restaurant: String,
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        sheet: SheetArgs,
    },
}

#[derive(clap::Args, Debug)]
struct SiteArgs {
    /// The diner site's address; links are <site-url>/t/<token>. Default:
    /// the stack's SiteUrl output.
    #[arg(long)]
    site_url: Option<String>,
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        let config = aws::load(&self.aws).await?;
        let target = Target::resolve(&config, &self.target).await?;
        let open_store = || async { store::open(&config, target.table()?, &target.region).await };
        match self.command {
            Command::CreateRestaurant { file } => {
                let store = open_store().await?;
                create_restaurant(&store, &file).await
            }
            Command::CreateOwner { restaurant, email } => {
                let restaurant = RestaurantId::parse(restaurant)?;
                let email = EmailAddress::parse(&email)?;
                let store = open_store().await?;
                existing_restaurant(&store, &restaurant).await?;
                let pool = target.user_pool_id()?;
                let cognito = aws_sdk_cognitoidentityprovider::Client::new(&config);
                owners::check_pool(&cognito, pool, &target.region).await?;
                let directory = CognitoStaffDirectory::new(cognito, pool);
                let change = invite_or_change_role(
                    &store,
                    Some(&directory),
                    &restaurant,
                    email.as_str(),
                    Role::Owner.as_str(),
                )
                .await?;
                println!("{}", owners::describe(&change, &email, &restaurant, pool));
                Ok(())
            }
            Command::Tables { restaurant, site } => {
                let restaurant = RestaurantId::parse(restaurant)?;
                let site_url = target.site_url(site.site_url.as_deref())?;
                let store = open_store().await?;
                let found = existing_restaurant(&store, &restaurant).await?;
                let tables = store.list_tables(&restaurant).await?;
                if tables.is_empty() {
                    println!(
                        "Restaurant {restaurant} has no tables yet: add them to its restaurant \
                         file and run create-restaurant again."
                    );
                }
                // In the sheet's order ("2" before "10"), with the sheet's links.
                for table in Sheet::for_restaurant(&found, &tables, &site_url).tables {
                    println!("  {:<12} {}", table.label, table.link);
                }
                Ok(())
            }
            Command::QrSheet {
                restaurant,
                site,
                sheet,
            } => {
                let restaurant = RestaurantId::parse(restaurant)?;
                let site_url = target.site_url(site.site_url.as_deref())?;
                let store = open_store().await?;
                let found = existing_restaurant(&store, &restaurant).await?;
                let tables = store.list_tables(&restaurant).await?;
                let summary = sheet.write(Sheet::for_restaurant(&found, &tables, &site_url))?;
                println!("{summary}");
                Ok(())
            }
        }
    }
}

async fn create_restaurant(store: &DynamoDbStore, file: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let checked = check_restaurant_file(&file.to_string_lossy(), &text)?;
    let report = import_restaurant(store, checked).await?;
    println!(
        "Imported {} into table {}: {report}.",
        report.restaurant,
        store.table_name(),
    );
    println!(
        "Next: tabletap-ops create-owner --restaurant {r} --email OWNER_EMAIL, then \
         tabletap-ops qr-sheet --restaurant {r} --out tables.pdf",
        r = report.restaurant
    );
    Ok(())
}

async fn existing_restaurant(
    store: &DynamoDbStore,
    restaurant: &RestaurantId,
) -> anyhow::Result<Restaurant> {
    match store.get_restaurant(restaurant).await? {
        Some(found) => Ok(found),
        None => bail!(
            "there is no restaurant \"{restaurant}\" in table {}: create it first with \
             `tabletap-ops create-restaurant --file FILE` (the file's restaurant.id is the name to use)",
            store.table_name()
        ),
    }
}
