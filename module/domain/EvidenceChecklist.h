// What evidence a dispute's cause asks for, and what the seller holds: the
// order evidence (a tracking number, a delivery the carrier confirmed) and
// the evidence photos kept on the case or sent with the refusal, each tagged
// with what it shows (the listing, the product received, its packaging).
//
//   not_received      tracking number, proof of delivery
//   not_as_described  listing photo, photo of the product
//   damaged           packaging photo, photo of the product
//   missing_parts     packaging photo, photo of the product
//   quality           photo of the product
//   other             nothing in particular
//
// Pure; thread-safe.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sac::domain {

enum class EvidenceItem { TrackingNumber, ProofOfDelivery, ListingPhoto, ProductPhoto, PackagingPhoto };

/// "tracking_number", "proof_of_delivery", "listing_photo", "product_photo", "packaging_photo".
std::string_view toCode(EvidenceItem item);

/// What an evidence photo shows: "listing", "product", "packaging" or "other".
const std::vector<std::string>& photoKinds();
bool isPhotoKind(std::string_view kind);

/// The attachment kind of an evidence photo ("evidence" for "other", else
/// "evidence:<kind>"), and back (nullopt for attachments that are not evidence).
std::string attachmentKindOf(std::string_view photoKind);
std::optional<std::string> photoKindOfAttachment(std::string_view attachmentKind);

/// The items a cause family asks for, in the order shown.
const std::vector<EvidenceItem>& requiredEvidence(const std::string& causeFamily);

struct EvidenceHeld {
    bool trackingNumber = false;
    bool proofOfDelivery = false;
    std::set<std::string> photos; ///< photo kinds held
};

struct ChecklistLine {
    EvidenceItem item;
    bool present = false;
};

std::vector<ChecklistLine> checklist(const std::string& causeFamily, const EvidenceHeld& held);

/// The items of the checklist that are missing.
std::vector<EvidenceItem> missingEvidence(const std::string& causeFamily, const EvidenceHeld& held);

} // namespace sac::domain
