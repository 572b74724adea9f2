//! Joins the Olist sample (orders, order items, customers) into one file of one row per
//! order item, keeping Olist's own column names; `examples/olist/olist.toml` maps it onto
//! dspdesk's deliveries. Nothing is renamed or converted here: only joined.
//!
//! cargo run --example olist_prepare -- ../shared/data/olist olist-deliveries.csv

use std::collections::HashMap;
use std::error::Error;
use std::path::Path;

/// The columns written, in order.
pub const COLUMNS: [&str; 10] = [
    "package_id",
    "order_id",
    "seller_id",
    "customer_state",
    "order_status",
    "order_delivered_carrier_date",
    "order_delivered_customer_date",
    "order_estimated_delivery_date",
    "price",
    "freight_value",
];

/// Writes the joined file; returns the number of rows written.
pub fn prepare(olist_dir: &Path, out: &Path) -> Result<usize, Box<dyn Error>> {
    let read = |name: &str| csv::Reader::from_path(olist_dir.join(name));
    let mut states = HashMap::new();
    let mut rd = read("olist_customers_dataset.csv")?;
    for r in rd.deserialize::<HashMap<String, String>>() {
        let r = r?;
        states.insert(r["customer_id"].clone(), r["customer_state"].clone());
    }
    let mut orders = HashMap::new();
    let mut rd = read("olist_orders_dataset.csv")?;
    for r in rd.deserialize::<HashMap<String, String>>() {
        let r = r?;
        orders.insert(r["order_id"].clone(), r);
    }
    let mut w = csv::Writer::from_path(out)?;
    w.write_record(COLUMNS)?;
    let mut n = 0;
    let mut rd = read("olist_order_items_dataset.csv")?;
    for item in rd.deserialize::<HashMap<String, String>>() {
        let item = item?;
        let Some(order) = orders.get(&item["order_id"]) else {
            continue;
        };
        let state = states
            .get(&order["customer_id"])
            .cloned()
            .unwrap_or_default();
        w.write_record([
            format!("{}-{}", item["order_id"], item["order_item_id"]),
            item["order_id"].clone(),
            item["seller_id"].clone(),
            state,
            order["order_status"].clone(),
            order["order_delivered_carrier_date"].clone(),
            order["order_delivered_customer_date"].clone(),
            order["order_estimated_delivery_date"].clone(),
            item["price"].clone(),
            item["freight_value"].clone(),
        ])?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: olist_prepare OLIST_DIR OUT.csv");
        std::process::exit(2);
    }
    let n = prepare(Path::new(&args[1]), Path::new(&args[2]))?;
    println!("wrote {n} order items to {}", args[2]);
    Ok(())
}
