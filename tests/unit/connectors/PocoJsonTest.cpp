// Pins how Poco 1.11's JSON parser stores numbers: the connector relies on 16-digit ids
// arriving as Int64 (never as double) and on out-of-range numbers failing loudly.
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

namespace {
Poco::Dynamic::Var parseA(const std::string& json) {
    Poco::JSON::Parser p;
    return p.parse(json).extract<Poco::JSON::Object::Ptr>()->get("a");
}
} // namespace

TEST(PocoJson, SixteenDigitIntegersAreInt64) {
    auto v = parseA(R"({"a":9007199254740993})");
    EXPECT_EQ(v.type(), typeid(Poco::Int64));
    EXPECT_EQ(v.extract<Poco::Int64>(), 9007199254740993LL);
    EXPECT_EQ(parseA(R"({"a":-2})").type(), typeid(Poco::Int64));
}

TEST(PocoJson, LargerThanInt64IsUInt64AndBeyondIsAnError) {
    EXPECT_EQ(parseA(R"({"a":18446744073709551615})").type(), typeid(Poco::UInt64));
    EXPECT_THROW(parseA(R"({"a":99999999999999999999})"), Poco::Exception);
}

TEST(PocoJson, FractionsAndExponentsAreDouble) {
    EXPECT_EQ(parseA(R"({"a":1.5})").type(), typeid(double));
    EXPECT_EQ(parseA(R"({"a":1e3})").type(), typeid(double));
}
