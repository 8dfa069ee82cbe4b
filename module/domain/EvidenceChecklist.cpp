#include "domain/EvidenceChecklist.h"

#include <algorithm>

namespace sac::domain {

std::string_view toCode(EvidenceItem item) {
    switch (item) {
    case EvidenceItem::TrackingNumber: return "tracking_number";
    case EvidenceItem::ProofOfDelivery: return "proof_of_delivery";
    case EvidenceItem::ListingPhoto: return "listing_photo";
    case EvidenceItem::ProductPhoto: return "product_photo";
    case EvidenceItem::PackagingPhoto: return "packaging_photo";
    }
    return "product_photo";
}

const std::vector<std::string>& photoKinds() {
    static const std::vector<std::string> kinds{"product", "packaging", "listing", "other"};
    return kinds;
}

bool isPhotoKind(std::string_view kind) {
    const auto& all = photoKinds();
    return std::find(all.begin(), all.end(), kind) != all.end();
}

std::string attachmentKindOf(std::string_view photoKind) {
    if (photoKind.empty() || photoKind == "other" || !isPhotoKind(photoKind)) return "evidence";
    return "evidence:" + std::string(photoKind);
}

std::optional<std::string> photoKindOfAttachment(std::string_view kind) {
    if (kind == "evidence") return std::string("other");
    constexpr std::string_view prefix = "evidence:";
    if (kind.substr(0, prefix.size()) != prefix) return std::nullopt;
    const std::string_view photo = kind.substr(prefix.size());
    if (!isPhotoKind(photo)) return std::nullopt;
    return std::string(photo);
}

const std::vector<EvidenceItem>& requiredEvidence(const std::string& family) {
    using E = EvidenceItem;
    static const std::vector<E> notReceived{E::TrackingNumber, E::ProofOfDelivery};
    static const std::vector<E> notAsDescribed{E::ListingPhoto, E::ProductPhoto};
    static const std::vector<E> damaged{E::PackagingPhoto, E::ProductPhoto};
    static const std::vector<E> quality{E::ProductPhoto};
    static const std::vector<E> none;
    if (family == "not_received") return notReceived;
    if (family == "not_as_described") return notAsDescribed;
    if (family == "damaged" || family == "missing_parts") return damaged;
    if (family == "quality") return quality;
    return none;
}

std::vector<ChecklistLine> checklist(const std::string& family, const EvidenceHeld& held) {
    std::vector<ChecklistLine> out;
    for (auto item : requiredEvidence(family)) {
        bool present = false;
        switch (item) {
        case EvidenceItem::TrackingNumber: present = held.trackingNumber; break;
        case EvidenceItem::ProofOfDelivery: present = held.proofOfDelivery; break;
        case EvidenceItem::ListingPhoto: present = held.photos.count("listing") > 0; break;
        case EvidenceItem::ProductPhoto: present = held.photos.count("product") > 0; break;
        case EvidenceItem::PackagingPhoto: present = held.photos.count("packaging") > 0; break;
        }
        out.push_back({item, present});
    }
    return out;
}

std::vector<EvidenceItem> missingEvidence(const std::string& family, const EvidenceHeld& held) {
    std::vector<EvidenceItem> out;
    for (const auto& line : checklist(family, held))
        if (!line.present) out.push_back(line.item);
    return out;
}

} // namespace sac::domain
