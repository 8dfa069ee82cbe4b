// A store's own settings in stores.settings_json: read leniently (a broken
// document or a value out of range reads as unset) and written back without
// losing keys the module does not know.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "services/StoreSettings.h"

using sac::services::StoreSettings;

TEST(StoreSettings, ReadsTheReturnAddressAndTheCallsInFlight) {
    const auto s = StoreSettings::parse(R"({"return_address_id":"123456","sync_max_in_flight":4})");
    EXPECT_EQ(s.returnAddressId, "123456");
    EXPECT_EQ(s.returnAddress(), 123456);
    EXPECT_EQ(s.syncMaxInFlight, 4);
}

TEST(StoreSettings, MissingBrokenOrOutOfRangeValuesReadAsUnset) {
    for (const char* json : {"", "{}", "not json", "[1,2]", R"({"sync_max_in_flight":0})",
                             R"({"sync_max_in_flight":33})", R"({"sync_max_in_flight":"many"})",
                             R"({"sync_max_in_flight":null})", R"({"return_address_id":{"a":1}})"}) {
        const auto s = StoreSettings::parse(json);
        EXPECT_FALSE(s.syncMaxInFlight) << json;
        EXPECT_FALSE(s.returnAddress()) << json;
    }
    EXPECT_EQ(StoreSettings::parse(R"({"sync_max_in_flight":32})").syncMaxInFlight, 32);
    EXPECT_EQ(StoreSettings::parse(R"({"sync_max_in_flight":1})").syncMaxInFlight, 1);
}

TEST(StoreSettings, AReturnAddressThatIsNotAPositiveNumberIsNone) {
    for (const char* id : {"", "0", "-5", "12a", "99999999999999999999999"}) {
        StoreSettings s;
        s.returnAddressId = id;
        EXPECT_FALSE(s.returnAddress()) << id;
    }
}

TEST(StoreSettings, WritingKeepsUnknownKeysAndRemovesClearedOnes) {
    StoreSettings s;
    s.syncMaxInFlight = 3;
    const std::string written = s.mergedInto(R"({"other":"kept","return_address_id":"9"})");
    Poco::JSON::Parser parser;
    auto o = parser.parse(written).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(o->getValue<std::string>("other"), "kept");
    EXPECT_FALSE(o->has("return_address_id")) << "cleared in the form, so removed";
    EXPECT_EQ(o->getValue<int>("sync_max_in_flight"), 3);
    EXPECT_EQ(StoreSettings::parse(written).syncMaxInFlight, 3);

    StoreSettings none;
    EXPECT_EQ(StoreSettings::parse(none.mergedInto("garbage")).syncMaxInFlight, std::nullopt);
}

TEST(StoreSettings, AmazonApplicationIdAndDraftRoundTripAndLeaveOtherKeys) {
    StoreSettings s = StoreSettings::parse(R"({"return_address_id":"9","other":1})");
    s.amazonApplicationId = "amzn1.sp.solution.abc";
    s.amazonDraftApplication = true;
    const std::string written = s.mergedInto(R"({"return_address_id":"9","other":1})");
    const auto back = StoreSettings::parse(written);
    EXPECT_EQ(back.amazonApplicationId, "amzn1.sp.solution.abc");
    EXPECT_TRUE(back.amazonDraftApplication);
    EXPECT_EQ(back.returnAddressId, "9");
    Poco::JSON::Parser parser;
    EXPECT_EQ(parser.parse(written).extract<Poco::JSON::Object::Ptr>()->getValue<int>("other"), 1);

    s.amazonApplicationId.clear();
    s.amazonDraftApplication = false;
    auto o = Poco::JSON::Parser().parse(s.mergedInto(written)).extract<Poco::JSON::Object::Ptr>();
    EXPECT_FALSE(o->has("amazon_application_id"));
    EXPECT_FALSE(o->has("amazon_draft_application"));
    // Wrong types read as unset.
    for (const char* json : {R"({"amazon_application_id":{"a":1},"amazon_draft_application":"maybe"})",
                             R"({"amazon_application_id":null,"amazon_draft_application":[1]})"}) {
        const auto bad = StoreSettings::parse(json);
        EXPECT_EQ(bad.amazonApplicationId, "") << json;
        EXPECT_FALSE(bad.amazonDraftApplication) << json;
    }
}
