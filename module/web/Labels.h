// What a seller reads instead of a marketplace's codes: every status, fine
// status, proposal state, history action, cause and audit field has a
// catalog entry; an unknown code reads as its family's generic phrase, with
// the raw code kept as a "technical detail" the templates show small.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <kainjow/mustache.hpp>

#include "domain/Case.h"
#include "domain/CaseEvent.h"
#include "web/Catalog.h"

namespace sac::web {

struct Label {
    std::string text;      ///< in the seller's language
    std::string technical; ///< the raw code when it was not (fully) known; "" otherwise
};

/// The label of `code` in a family of codes ("fine", "solution_status",
/// "action", "who"...): the catalog key "<family>.<code>" (codes compared in
/// lower case), else the longest known prefix ending before a '_'
/// ("wait_for_warehouse_check" → "fine.wait_for_warehouse") with the code as
/// technical detail, else "<family>._unknown" with the code. An empty code
/// is an empty label.
Label codeLabel(const Catalog& catalog, std::string_view locale, std::string_view family, std::string_view code);

/// "Item not as described" → "item_not_as_described": lower case, runs of
/// anything but ASCII letters and digits as one '_', none at the ends.
std::string causeSlug(std::string_view text);

/// The cause of a case as the seller reads it: a Lost & Found kind's name,
/// or the marketplace's reason through "cause.<slug>"; an unknown reason
/// reads "cause._unknown" with the marketplace's own words as detail.
Label causeLabel(const Catalog& catalog, std::string_view locale, const std::string& cause);

/// Sets key to the label's text and, when there is one, key + "_tech" to its
/// technical detail.
void setLabel(kainjow::mustache::data& d, const std::string& key, const Label& label);

/// An audit entry's change, in words: one item per field the module knows
/// (its label, and the value before → after, with statuses, fine statuses and
/// times as the seller reads them); fields it does not know are left out.
kainjow::mustache::data changeItems(const domain::CaseEvent& e, const Catalog& catalog, std::string_view locale,
                                    int offsetMinutes);

} // namespace sac::web
