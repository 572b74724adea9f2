//! EV share's records: sustainability goals, the EV vendors and the connects (meetings
//! between a vendor and a partner, each a follow-up of kind `ev_connect`).

mod connects;
mod goals;

pub use connects::{ConnectRow, NewConnect, NewVendor, VendorRow};
pub use goals::GoalRow;
