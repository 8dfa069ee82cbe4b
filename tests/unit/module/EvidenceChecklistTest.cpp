// What evidence each cause asks for, what counts as held, and how evidence
// photos are tagged on their attachments.
#include <gtest/gtest.h>

#include "domain/EvidenceChecklist.h"

using namespace sac::domain;

namespace {

std::vector<std::string> codes(const std::vector<EvidenceItem>& items) {
    std::vector<std::string> out;
    for (auto i : items) out.emplace_back(toCode(i));
    return out;
}

} // namespace

TEST(EvidenceChecklist, EachCauseAsksForItsOwnEvidence) {
    EXPECT_EQ(codes(requiredEvidence("not_received")), (std::vector<std::string>{"tracking_number", "proof_of_delivery"}));
    EXPECT_EQ(codes(requiredEvidence("not_as_described")), (std::vector<std::string>{"listing_photo", "product_photo"}));
    EXPECT_EQ(codes(requiredEvidence("damaged")), (std::vector<std::string>{"packaging_photo", "product_photo"}));
    EXPECT_EQ(codes(requiredEvidence("missing_parts")), (std::vector<std::string>{"packaging_photo", "product_photo"}));
    EXPECT_EQ(codes(requiredEvidence("quality")), (std::vector<std::string>{"product_photo"}));
    EXPECT_TRUE(requiredEvidence("other").empty());
    EXPECT_TRUE(requiredEvidence("").empty());
}

TEST(EvidenceChecklist, WhatIsHeldAndWhatIsMissing) {
    EvidenceHeld held;
    EXPECT_EQ(codes(missingEvidence("not_received", held)), (std::vector<std::string>{"tracking_number", "proof_of_delivery"}));
    held.trackingNumber = true;
    EXPECT_EQ(codes(missingEvidence("not_received", held)), (std::vector<std::string>{"proof_of_delivery"}));
    held.proofOfDelivery = true;
    EXPECT_TRUE(missingEvidence("not_received", held).empty());
    // Photos count by what they show: an "other" photo proves nothing a cause asks for.
    EvidenceHeld photos;
    photos.photos = {"other"};
    EXPECT_EQ(codes(missingEvidence("damaged", photos)), (std::vector<std::string>{"packaging_photo", "product_photo"}));
    photos.photos.insert("packaging");
    const auto lines = checklist("damaged", photos);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_TRUE(lines[0].present);
    EXPECT_FALSE(lines[1].present);
    photos.photos.insert("product");
    EXPECT_TRUE(missingEvidence("damaged", photos).empty());
    photos.photos = {"listing", "product"};
    EXPECT_TRUE(missingEvidence("not_as_described", photos).empty());
}

TEST(EvidenceChecklist, PhotosAreTaggedOnTheirAttachments) {
    EXPECT_EQ(attachmentKindOf("product"), "evidence:product");
    EXPECT_EQ(attachmentKindOf("other"), "evidence");
    EXPECT_EQ(attachmentKindOf(""), "evidence");
    EXPECT_EQ(attachmentKindOf("selfie"), "evidence");
    EXPECT_EQ(photoKindOfAttachment("evidence"), "other");
    EXPECT_EQ(photoKindOfAttachment("evidence:packaging"), "packaging");
    EXPECT_FALSE(photoKindOfAttachment("evidence:selfie"));
    EXPECT_FALSE(photoKindOfAttachment("mail"));
    for (const auto& kind : photoKinds()) EXPECT_EQ(photoKindOfAttachment(attachmentKindOf(kind)), kind);
}
