// Template data for the evidence section of the "Lide com" dialog
// (case_evidence.mustache): the order's package, carrier, tracking number,
// shipped and delivered times and the carrier's events, as kept by the sync
// (domain::OrderEvidence). Pure: no SQL, no I/O. Marketplace texts stay plain
// strings (the template escapes them); the carrier's site passes safeHttpUrl().
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <kainjow/mustache.hpp>

#include "domain/OrderEvidence.h"
#include "web/Catalog.h"

namespace sac::web {

/// The section's data (set under "order_evidence" by the dialog): state_code,
/// state_label, state_hint, carrier, carrier_code, tracking_number,
/// shipped_text, delivered_text, signed_by, checked_text, error_text,
/// carrier_url, events [{when, description, address, signed_by, status}],
/// has_events, more_events. Without evidence (nullopt) the state is "unknown"
/// and says when it will come. Times in the display zone, the state as
/// domain::classify reads it at `now` (a package stalls without a new read).
kainjow::mustache::data orderEvidenceData(const std::optional<domain::OrderEvidence>& evidence, std::int64_t now,
                                          int offsetMinutes, const std::string& locale, const Catalog& catalog);

} // namespace sac::web
