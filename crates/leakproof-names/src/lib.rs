//! Names, places, addresses and internal hosts in free text (to come).
