//! The columnar engine: daily facts of one station-day from its lake files, in one
//! pass over Arrow arrays. Lake files are sorted by partner then route, so distinct
//! routes are counted as runs without a hash set.

use crate::error::IngestError;
use crate::finalize::read_columns;
use arrow::array::{Array, AsArray, DictionaryArray, PrimitiveArray, StringArray};
use arrow::datatypes::{
    ArrowPrimitiveType, Decimal128Type, Float64Type, Int32Type, TimestampMicrosecondType,
};
use arrow::record_batch::RecordBatch;
use dspdesk_core::money::add_minor;
use dspdesk_core::profit::BlockCounts;
use dspdesk_core::vas::VasCounts;
use dspdesk_core::{Counts, Status};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The deliveries columns the metrics read (package_id is not one of them).
pub const FACT_COLUMNS: [&str; 8] = [
    "partner",
    "route_id",
    "status",
    "promised_by",
    "delivered_at",
    "cod_amount",
    "declared_value",
    "vas",
];

/// Counts per partner of one station-day, before routes from a routes file.
#[derive(Debug, Default)]
pub struct DayAccumulator {
    slots: HashMap<String, usize>,
    counts: Vec<(String, Counts)>,
    /// The last row's partner slot and route, to count route runs across batches.
    last: Option<(usize, Option<String>)>,
    /// The packages of each route id, kept only when a routes file will join them.
    route_tally: Option<HashMap<String, RouteTally>>,
    /// Packages with a VAS per partner slot and VAS kind.
    vas: HashMap<(usize, String), VasCounts>,
}

/// The deliveries rows of one route id at a station-day, for joining to its routes row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RouteTally {
    pub packages: i64,
    pub delivered: i64,
    pub on_time: i64,
    pub lost: i64,
    pub nl_value_minor: i64,
}

impl RouteTally {
    /// Counts one deliveries row of the route.
    #[inline]
    fn count(&mut self, status: Status, on_time: bool, declared_minor: i64) -> Result<(), String> {
        self.packages += 1;
        self.delivered += i64::from(status == Status::Delivered);
        self.on_time += i64::from(on_time);
        if matches!(status, Status::Lost | Status::Damaged) {
            self.lost += 1;
            add_minor(&mut self.nl_value_minor, declared_minor)?;
        }
        Ok(())
    }

    /// Adds the route, with its packages, to its supervisor's counts.
    fn add_route_to(&self, c: &mut Counts) -> Result<(), String> {
        c.routes += 1;
        c.dispatched += self.packages;
        c.delivered += self.delivered;
        c.on_time += self.on_time;
        c.lost += self.lost;
        add_minor(&mut c.nl_value_minor, self.nl_value_minor)
    }

    fn add(&mut self, o: &RouteTally) -> Result<(), String> {
        self.packages += o.packages;
        self.delivered += o.delivered;
        self.on_time += o.on_time;
        self.lost += o.lost;
        add_minor(&mut self.nl_value_minor, o.nl_value_minor)
    }
}

fn dict(batch: &RecordBatch, name: &str) -> Result<DictionaryArray<Int32Type>, String> {
    let col = batch
        .column_by_name(name)
        .ok_or_else(|| format!("no column {name}"))?;
    match col.as_dictionary_opt::<Int32Type>() {
        Some(d) => Ok(d.clone()),
        None => {
            let cast =
                arrow::compute::cast(col, &crate::schema::dict()).map_err(|e| e.to_string())?;
            Ok(cast.as_dictionary::<Int32Type>().clone())
        }
    }
}

/// The arrays of one deliveries batch that the counts read.
struct DeliveryColumns<'b> {
    rows: usize,
    partner: DictionaryArray<Int32Type>,
    route: DictionaryArray<Int32Type>,
    status: DictionaryArray<Int32Type>,
    vas: DictionaryArray<Int32Type>,
    promised: &'b PrimitiveArray<TimestampMicrosecondType>,
    delivered_at: &'b PrimitiveArray<TimestampMicrosecondType>,
    cod: &'b PrimitiveArray<Decimal128Type>,
    declared: &'b PrimitiveArray<Decimal128Type>,
}

impl<'b> DeliveryColumns<'b> {
    fn of(batch: &'b RecordBatch) -> Result<DeliveryColumns<'b>, String> {
        Ok(DeliveryColumns {
            rows: batch.num_rows(),
            partner: dict(batch, "partner")?,
            route: dict(batch, "route_id")?,
            status: dict(batch, "status")?,
            vas: dict(batch, "vas")?,
            promised: primitive(batch, "promised_by")?,
            delivered_at: primitive(batch, "delivered_at")?,
            cod: primitive(batch, "cod_amount")?,
            declared: primitive(batch, "declared_value")?,
        })
    }
}

fn primitive<'b, T: ArrowPrimitiveType>(
    batch: &'b RecordBatch,
    name: &str,
) -> Result<&'b PrimitiveArray<T>, String> {
    Ok(batch
        .column_by_name(name)
        .ok_or_else(|| format!("no {name}"))?
        .as_primitive::<T>())
}

/// What each dictionary value of a batch stands for.
struct PerValue {
    slots: Vec<usize>,
    statuses: Vec<Status>,
    vas_present: Vec<bool>,
}

/// The last routed row's partner slot and route: a route is counted once per run of
/// its rows, and runs continue across batches.
struct RouteRun {
    slot: Option<usize>,
    /// The route's dictionary key, valid within one batch only; comparing it first
    /// spares a string comparison per row.
    key: Option<i32>,
    route: Option<String>,
}

impl RouteRun {
    #[inline]
    fn resume(last: Option<(usize, Option<String>)>) -> RouteRun {
        match last {
            Some((slot, route)) => RouteRun {
                slot: Some(slot),
                key: None,
                route,
            },
            None => RouteRun {
                slot: None,
                key: None,
                route: None,
            },
        }
    }

    /// True when this routed row starts a new run (so a new route) of its partner.
    #[inline]
    fn starts(&mut self, slot: usize, key: i32, value: &str) -> bool {
        let same_partner = self.slot == Some(slot);
        let same_route =
            same_partner && (self.key == Some(key) || self.route.as_deref() == Some(value));
        if !same_route {
            self.route = Some(value.to_owned());
        }
        self.key = Some(key);
        self.slot = Some(slot);
        !same_route
    }

    #[inline]
    fn end(self) -> Option<(usize, Option<String>)> {
        self.slot.map(|s| (s, self.route))
    }
}

impl DayAccumulator {
    /// An accumulator that also counts the packages of each route, for joining them
    /// to a routes file (pricing, supervisors).
    pub fn with_route_tally() -> DayAccumulator {
        DayAccumulator {
            route_tally: Some(HashMap::new()),
            ..DayAccumulator::default()
        }
    }

    fn slot(&mut self, partner: &str) -> usize {
        if let Some(&i) = self.slots.get(partner) {
            return i;
        }
        self.counts.push((partner.to_owned(), Counts::default()));
        self.slots.insert(partner.to_owned(), self.counts.len() - 1);
        self.counts.len() - 1
    }

    /// Adds one batch of deliveries rows (lake schema, at least `FACT_COLUMNS`).
    pub fn add_deliveries(&mut self, batch: &RecordBatch) -> Result<(), String> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let cols = DeliveryColumns::of(batch)?;
        let per_value = self.per_value(&cols)?;
        let route_values: &StringArray = cols.route.values().as_string::<i32>();
        let (per_key, vas) = self.count_rows(&cols, &per_value, route_values)?;
        self.add_route_tally(route_values, per_key)?;
        if !vas.is_empty() {
            let kinds: &StringArray = cols.vas.values().as_string::<i32>();
            for ((slot, key), c) in vas {
                self.vas
                    .entry((slot, kinds.value(key as usize).to_owned()))
                    .or_default()
                    .add(c);
            }
        }
        Ok(())
    }

    /// Per dictionary value, once per batch, so that rows only index: the partner
    /// slot, the status, whether a vas value is present.
    fn per_value(&mut self, cols: &DeliveryColumns<'_>) -> Result<PerValue, String> {
        let partner_values: &StringArray = cols.partner.values().as_string::<i32>();
        let slots: Vec<usize> = partner_values
            .iter()
            .map(|p| self.slot(p.unwrap_or("")))
            .collect();
        let status_values: &StringArray = cols.status.values().as_string::<i32>();
        let statuses: Vec<Status> = status_values
            .iter()
            .map(|s| {
                s.and_then(Status::parse)
                    .ok_or_else(|| format!("unknown status {s:?} in the lake"))
            })
            .collect::<Result<_, _>>()?;
        let vas_values: &StringArray = cols.vas.values().as_string::<i32>();
        let vas_present: Vec<bool> = vas_values
            .iter()
            .map(|v| v.is_some_and(|v| !v.is_empty()))
            .collect();
        Ok(PerValue {
            slots,
            statuses,
            vas_present,
        })
    }

    /// The pass over the rows. Returns the packages per route dictionary key (empty
    /// unless a routes file joins them) and the VAS packages per partner slot and VAS
    /// dictionary key. Sums of money are checked: a sum beyond what dspdesk counts is an
    /// error, never a wrapped number.
    #[allow(clippy::type_complexity)]
    fn count_rows(
        &mut self,
        cols: &DeliveryColumns<'_>,
        per_value: &PerValue,
        route_values: &StringArray,
    ) -> Result<(Vec<RouteTally>, HashMap<(usize, i32), VasCounts>), String> {
        let n = cols.rows;
        let (slots, statuses, vas_present) = (
            &per_value.slots[..],
            &per_value.statuses[..],
            &per_value.vas_present[..],
        );
        let pk = cols.partner.keys().values();
        let sk = cols.status.keys().values();
        let rk = cols.route.keys();
        let vk = cols.vas.keys();
        let delivered_at = cols.delivered_at;
        let promised = cols.promised.values();
        let delivered_vals = delivered_at.values();
        let cod = cols.cod.values();
        let declared = cols.declared.values();

        let mut per_key: Vec<RouteTally> = if self.route_tally.is_some() {
            vec![RouteTally::default(); route_values.len()]
        } else {
            Vec::new()
        };
        let mut vas: HashMap<(usize, i32), VasCounts> = HashMap::new();
        let mut run = RouteRun::resume(self.last.take());
        for i in 0..n {
            let slot = slots[pk[i] as usize];
            let c = &mut self.counts[slot].1;
            c.dispatched += 1;
            let has_vas = vk.is_valid(i) && vas_present[vk.value(i) as usize];
            let status = statuses[sk[i] as usize];
            let mut on_time = false;
            match status {
                Status::Delivered => {
                    c.delivered += 1;
                    add_minor(&mut c.cod_due_minor, cod[i] as i64)?;
                    if delivered_at.is_valid(i) && delivered_vals[i] <= promised[i] {
                        c.on_time += 1;
                        on_time = true;
                    }
                    if has_vas {
                        c.vas_delivered += 1;
                    }
                }
                Status::Attempted => c.attempted += 1,
                Status::Rejected => c.rejected += 1,
                Status::Rts => c.rts += 1,
                Status::Lost | Status::Damaged => {
                    c.lost += 1;
                    add_minor(&mut c.nl_value_minor, declared[i] as i64)?;
                }
            }
            if has_vas {
                c.vas_dispatched += 1;
                let v = vas.entry((slot, vk.value(i))).or_default();
                v.dispatched += 1;
                v.delivered += i64::from(status == Status::Delivered);
            }
            if rk.is_valid(i) {
                let key = rk.value(i);
                let value = route_values.value(key as usize);
                if value.is_empty() {
                    continue;
                }
                c.packages_routed += 1;
                if let Some(t) = per_key.get_mut(key as usize) {
                    t.count(status, on_time, declared[i] as i64)?;
                }
                if run.starts(slot, key, value) {
                    c.routes += 1;
                }
            }
        }
        self.last = run.end();
        Ok((per_key, vas))
    }

    /// Adds a batch's packages per route key to the totals per route id.
    fn add_route_tally(
        &mut self,
        route_values: &StringArray,
        per_key: Vec<RouteTally>,
    ) -> Result<(), String> {
        if let Some(map) = self.route_tally.as_mut() {
            for (k, t) in per_key.into_iter().enumerate() {
                if t.packages > 0 {
                    map.entry(route_values.value(k).to_owned())
                        .or_default()
                        .add(&t)?;
                }
            }
        }
        Ok(())
    }

    /// The VAS packages per partner and VAS kind, sorted.
    fn vas_groups(&self) -> Vec<VasGroup> {
        let mut v: Vec<VasGroup> = self
            .vas
            .iter()
            .map(|((slot, kind), c)| VasGroup {
                partner: self.counts[*slot].0.clone(),
                vas: kind.clone(),
                counts: *c,
            })
            .collect();
        v.sort_by(|a, b| (&a.partner, &a.vas).cmp(&(&b.partner, &b.vas)));
        v
    }

    /// The counts per partner, with routes replaced by a routes file's counts when the
    /// station-day has one (a partner with routes and no packages gets a row too).
    pub fn finish(
        mut self,
        routes_file: Option<&BTreeMap<String, i64>>,
    ) -> BTreeMap<String, Counts> {
        if let Some(routes) = routes_file {
            for c in &mut self.counts {
                c.1.routes = 0;
            }
            for (partner, n) in routes {
                let slot = self.slot(partner);
                self.counts[slot].1.routes = *n;
            }
        }
        self.counts.into_iter().collect()
    }
}

fn lake_err(path: &Path, m: impl std::fmt::Display) -> IngestError {
    IngestError::Lake {
        path: path.into(),
        message: m.to_string(),
    }
}

/// One partner's routes of one block and MOT at a station-day, summed for pricing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockGroup {
    pub partner: String,
    pub block_hours: i32,
    pub mot: String,
    pub counts: BlockCounts,
}

/// One partner's packages with one VAS kind at a station-day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VasGroup {
    pub partner: String,
    pub vas: String,
    pub counts: VasCounts,
}

/// One supervisor's routes of a partner at a station-day, with the deliveries joined to
/// them on `route_id` (the file is one station-day, so also on `date`): `routes`,
/// `dispatched` (packages), `delivered`, `on_time`, `lost` and `nl_value_minor` of
/// `Counts` are set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisorGroup {
    pub partner: String,
    pub supervisor: String,
    pub counts: Counts,
}

/// Route blocks and supervisor groups of a routes lake file.
#[derive(Debug, Default)]
pub struct RouteGroups {
    pub blocks: Vec<BlockGroup>,
    pub supervisors: Vec<SupervisorGroup>,
}

impl RouteGroups {
    fn of(
        blocks: BTreeMap<(String, i32, String), BlockCounts>,
        supervisors: BTreeMap<(String, String), Counts>,
    ) -> RouteGroups {
        RouteGroups {
            blocks: blocks
                .into_iter()
                .map(|((partner, block_hours, mot), counts)| BlockGroup {
                    partner,
                    block_hours,
                    mot,
                    counts,
                })
                .collect(),
            supervisors: supervisors
                .into_iter()
                .map(|((partner, supervisor), counts)| SupervisorGroup {
                    partner,
                    supervisor,
                    counts,
                })
                .collect(),
        }
    }
}

/// The routes columns the blocks and supervisors read.
const ROUTE_GROUP_COLUMNS: [&str; 8] = [
    "route_id",
    "partner",
    "block_hours",
    "mot",
    "distance_km",
    "supervisor",
    "payout",
    "cost",
];

/// Reads a routes lake file into block groups and supervisor groups, joining each
/// route's packages.
pub fn route_groups(
    path: &Path,
    tally: &HashMap<String, RouteTally>,
) -> Result<RouteGroups, IngestError> {
    let batch = read_columns(path, Some(&ROUTE_GROUP_COLUMNS))?;
    let mut groups: BTreeMap<(String, i32, String), BlockCounts> = BTreeMap::new();
    let mut supervisors: BTreeMap<(String, String), Counts> = BTreeMap::new();
    if batch.num_rows() == 0 {
        return Ok(RouteGroups::default());
    }
    let err = |m: &str| lake_err(path, m);
    let route = batch
        .column_by_name("route_id")
        .ok_or_else(|| err("no route_id"))?
        .as_string::<i32>();
    let partner = dict(&batch, "partner").map_err(|m| lake_err(path, m))?;
    let mot = dict(&batch, "mot").map_err(|m| lake_err(path, m))?;
    let hours = batch
        .column_by_name("block_hours")
        .ok_or_else(|| err("no block_hours"))?
        .as_primitive::<Int32Type>();
    let distance = batch
        .column_by_name("distance_km")
        .ok_or_else(|| err("no distance_km"))?
        .as_primitive::<Float64Type>();
    let payout = batch
        .column_by_name("payout")
        .ok_or_else(|| err("no payout"))?
        .as_primitive::<Decimal128Type>();
    let cost = batch
        .column_by_name("cost")
        .ok_or_else(|| err("no cost"))?
        .as_primitive::<Decimal128Type>();
    let supervisor = dict(&batch, "supervisor").map_err(|m| lake_err(path, m))?;
    let partners = partner.values().as_string::<i32>();
    let mots = mot.values().as_string::<i32>();
    let supervisor_names = supervisor.values().as_string::<i32>();
    for i in 0..batch.num_rows() {
        let partner_code = partners.value(partner.keys().value(i) as usize);
        let key = (
            partner_code.to_owned(),
            hours.value(i),
            mots.value(mot.keys().value(i) as usize).to_owned(),
        );
        let b = groups.entry(key).or_default();
        let t = tally.get(route.value(i)).copied().unwrap_or_default();
        let d = t.delivered;
        if supervisor.is_valid(i) {
            let name = supervisor_names.value(supervisor.keys().value(i) as usize);
            if !name.is_empty() {
                let c = supervisors
                    .entry((partner_code.to_owned(), name.to_owned()))
                    .or_default();
                t.add_route_to(c).map_err(|m| err(&m))?;
            }
        }
        let metres = (distance.value(i) * 1000.0).round() as i64;
        b.routes += 1;
        b.delivered += d;
        b.distance_m += metres;
        if payout.is_valid(i) {
            b.payout_given_routes += 1;
            add_minor(&mut b.payout_given_minor, payout.value(i) as i64).map_err(|m| err(&m))?;
        } else {
            b.delivered_unpaid_rows += d;
        }
        if cost.is_valid(i) {
            b.cost_given_routes += 1;
            add_minor(&mut b.cost_given_minor, cost.value(i) as i64).map_err(|m| err(&m))?;
        } else {
            b.distance_m_uncosted += metres;
        }
    }
    Ok(RouteGroups::of(groups, supervisors))
}

/// Cash deposited per partner in a remittances lake file: (amount in minor units,
/// deposits).
pub fn remitted_per_partner(path: &Path) -> Result<BTreeMap<String, (i64, i64)>, IngestError> {
    let batch = read_columns(path, Some(&["partner", "amount"]))?;
    let mut out: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    if batch.num_rows() == 0 {
        return Ok(out);
    }
    let partner = dict(&batch, "partner").map_err(|m| lake_err(path, m))?;
    let amount = batch
        .column_by_name("amount")
        .ok_or_else(|| lake_err(path, "no amount"))?
        .as_primitive::<Decimal128Type>();
    let values = partner.values().as_string::<i32>();
    for i in 0..batch.num_rows() {
        let e = out
            .entry(values.value(partner.keys().value(i) as usize).to_owned())
            .or_default();
        add_minor(&mut e.0, amount.value(i) as i64).map_err(|m| lake_err(path, m))?;
        e.1 += 1;
    }
    Ok(out)
}

/// The derived data of one station-day: facts per partner and VAS packages per partner
/// and kind, and route blocks and supervisors where a routes file covers the day.
#[derive(Debug, Default)]
pub struct StationDayData {
    pub facts: BTreeMap<String, Counts>,
    pub vas: Vec<VasGroup>,
    pub blocks: Vec<BlockGroup>,
    pub supervisors: Vec<SupervisorGroup>,
}

/// The daily facts of one station-day from its current lake files.
pub fn station_day_facts(
    deliveries: Option<&Path>,
    routes: Option<&Path>,
) -> Result<BTreeMap<String, Counts>, IngestError> {
    Ok(station_day(deliveries, routes)?.facts)
}

/// The facts and route blocks of one station-day from its current lake files.
pub fn station_day(
    deliveries: Option<&Path>,
    routes: Option<&Path>,
) -> Result<StationDayData, IngestError> {
    let mut acc = if routes.is_some() {
        DayAccumulator::with_route_tally()
    } else {
        DayAccumulator::default()
    };
    if let Some(path) = deliveries {
        let builder = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
            crate::finalize::whole_file(path)?,
        )
        .map_err(|e| lake_err(path, e))?;
        let mask = parquet::arrow::ProjectionMask::columns(builder.parquet_schema(), FACT_COLUMNS);
        let reader = builder
            .with_projection(mask)
            .with_batch_size(64 * 1024)
            .build()
            .map_err(|e| lake_err(path, e))?;
        for batch in reader {
            let batch = batch.map_err(|e| lake_err(path, e))?;
            acc.add_deliveries(&batch).map_err(|m| lake_err(path, m))?;
        }
    }
    let groups = match routes {
        Some(path) => {
            let tally = acc.route_tally.take().unwrap_or_default();
            route_groups(path, &tally)?
        }
        None => RouteGroups::default(),
    };
    let blocks = groups.blocks;
    // A partner's routes are its routes rows: the sum over its blocks.
    let per_partner = routes.map(|_| {
        let mut m: BTreeMap<String, i64> = BTreeMap::new();
        for b in &blocks {
            *m.entry(b.partner.clone()).or_insert(0) += b.counts.routes;
        }
        m
    });
    let vas = acc.vas_groups();
    Ok(StationDayData {
        facts: acc.finish(per_partner.as_ref()),
        vas,
        blocks,
        supervisors: groups.supervisors,
    })
}

/// The (partner, reference) of every deposit in a remittances lake file.
pub fn references(path: &Path) -> Result<Vec<(String, String)>, IngestError> {
    let batch = read_columns(path, Some(&["partner", "reference"]))?;
    if batch.num_rows() == 0 {
        return Ok(Vec::new());
    }
    let partner = dict(&batch, "partner").map_err(|m| lake_err(path, m))?;
    let names = partner.values().as_string::<i32>();
    let reference = batch
        .column_by_name("reference")
        .ok_or_else(|| lake_err(path, "no reference"))?;
    let reference = arrow::compute::cast(reference, &arrow::datatypes::DataType::Utf8)
        .map_err(|e| lake_err(path, e))?;
    let reference = reference.as_string::<i32>();
    Ok((0..batch.num_rows())
        .map(|i| {
            (
                names.value(partner.keys().value(i) as usize).to_owned(),
                reference.value(i).to_owned(),
            )
        })
        .collect())
}
