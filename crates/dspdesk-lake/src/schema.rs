//! The three input kinds, their canonical columns, and the Arrow schemas of lake files.

use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use std::fmt;
use std::sync::{Arc, LazyLock};

/// The kinds of input file the contract defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Deliveries,
    Routes,
    Remittances,
}

/// What a canonical column holds, which decides how its text is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Text,
    Code,
    Date,
    Timestamp,
    Status,
    Mot,
    /// Money, 0 or more.
    Amount,
    /// Money, more than 0.
    PositiveAmount,
    Hours,
    Km,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColType,
    pub required: bool,
}

const fn col(name: &'static str, ty: ColType, required: bool) -> Column {
    Column { name, ty, required }
}

pub const DELIVERIES: &[Column] = &[
    col("package_id", ColType::Text, true),
    col("route_id", ColType::Text, false),
    col("date", ColType::Date, true),
    col("station", ColType::Code, true),
    col("partner", ColType::Code, true),
    col("promised_by", ColType::Timestamp, true),
    col("status", ColType::Status, true),
    col("delivered_at", ColType::Timestamp, false),
    col("cod_amount", ColType::Amount, false),
    col("declared_value", ColType::Amount, false),
    col("vas", ColType::Text, false),
];

pub const ROUTES: &[Column] = &[
    col("route_id", ColType::Text, true),
    col("date", ColType::Date, true),
    col("station", ColType::Code, true),
    col("partner", ColType::Code, true),
    col("block_hours", ColType::Hours, true),
    col("mot", ColType::Mot, true),
    col("distance_km", ColType::Km, false),
    col("supervisor", ColType::Text, false),
    col("driver", ColType::Text, false),
    col("payout", ColType::Amount, false),
    col("cost", ColType::Amount, false),
];

pub const REMITTANCES: &[Column] = &[
    col("partner", ColType::Code, true),
    col("station", ColType::Code, true),
    col("date", ColType::Date, true),
    col("amount", ColType::PositiveAmount, true),
    col("reference", ColType::Text, true),
];

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Deliveries, Kind::Routes, Kind::Remittances];

    /// The name used in the lake's folders, the database and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Deliveries => "deliveries",
            Kind::Routes => "routes",
            Kind::Remittances => "cod_remittances",
        }
    }

    pub fn parse(raw: &str) -> Option<Kind> {
        match raw {
            "deliveries" => Some(Kind::Deliveries),
            "routes" => Some(Kind::Routes),
            "cod_remittances" | "remittances" => Some(Kind::Remittances),
            _ => None,
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Deliveries => DELIVERIES,
            Kind::Routes => ROUTES,
            Kind::Remittances => REMITTANCES,
        }
    }

    /// The columns that identify a row within a station-day (with its date).
    pub fn key_column(self) -> &'static str {
        match self {
            Kind::Deliveries => "package_id",
            Kind::Routes => "route_id",
            Kind::Remittances => "reference",
        }
    }

    /// The schema of this kind's lake files.
    pub fn lake_schema(self) -> SchemaRef {
        match self {
            Kind::Deliveries => DELIVERIES_SCHEMA.clone(),
            Kind::Routes => ROUTES_SCHEMA.clone(),
            Kind::Remittances => REMITTANCES_SCHEMA.clone(),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub fn dict() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

pub fn money() -> DataType {
    DataType::Decimal128(18, 2)
}

pub fn utc_micros() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

static DELIVERIES_SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        Field::new("package_id", DataType::Utf8, false),
        Field::new("route_id", dict(), true),
        Field::new("date", DataType::Date32, false),
        Field::new("station", dict(), false),
        Field::new("partner", dict(), false),
        Field::new("promised_by", utc_micros(), false),
        Field::new("status", dict(), false),
        Field::new("delivered_at", utc_micros(), true),
        Field::new("cod_amount", money(), false),
        Field::new("declared_value", money(), false),
        Field::new("vas", dict(), true),
    ]))
});

static ROUTES_SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        Field::new("route_id", DataType::Utf8, false),
        Field::new("date", DataType::Date32, false),
        Field::new("station", dict(), false),
        Field::new("partner", dict(), false),
        Field::new("block_hours", DataType::Int32, false),
        Field::new("mot", dict(), false),
        Field::new("distance_km", DataType::Float64, false),
        Field::new("supervisor", dict(), true),
        Field::new("driver", DataType::Utf8, true),
        Field::new("payout", money(), true),
        Field::new("cost", money(), true),
    ]))
});

static REMITTANCES_SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        Field::new("partner", dict(), false),
        Field::new("station", dict(), false),
        Field::new("date", DataType::Date32, false),
        Field::new("amount", money(), false),
        Field::new("reference", DataType::Utf8, false),
    ]))
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lake_schemas_carry_every_canonical_column_in_order() {
        for kind in Kind::ALL {
            let schema = kind.lake_schema();
            let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            let canonical: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
            assert_eq!(names, canonical, "{kind}");
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
    }
}
