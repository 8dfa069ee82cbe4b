#pragma once

// Typed reading of IOP JSON answers. Every failure is a Malformed MarketplaceError whose
// detail says what was expected and what arrived, e.g.
//   expected issue_id as integer, got "abc" in aliexpress.issue.detail.get

#include "sac/connectors/Money.h"
#include "sac/connectors/Result.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Declares `var` as the value of a Result expression, or returns its error
/// from the enclosing function (which returns a Result).
#define SAC_TRY(var, expr)                           \
    auto var##_r = (expr);                           \
    if (!var##_r) return std::move(var##_r).error(); \
    auto var = std::move(var##_r).value()

namespace sac::aliexpress::json {

using ObjectPtr = Poco::JSON::Object::Ptr;

/// How a JSON value looks, for messages: "abc" (quoted), 1.5, true, an object, an array, nothing.
std::string describe(const Poco::Dynamic::Var& v);

connectors::MarketplaceError expected(std::string_view field, std::string_view what, const Poco::Dynamic::Var& got,
                                      std::string_view context);

/// Integer from a JSON integer or a string of digits (optional leading '-'); never via double.
connectors::Result<std::int64_t> int64(const ObjectPtr& o, const std::string& key, std::string_view context);
/// Like int64 but missing / null / "" → nullopt.
connectors::Result<std::optional<std::int64_t>> optInt64(const ObjectPtr& o, const std::string& key,
                                                         std::string_view context);
/// String; numbers and booleans are turned into their text; missing / null → "".
connectors::Result<std::string> optString(const ObjectPtr& o, const std::string& key, std::string_view context);
/// A string that must be present and not empty.
connectors::Result<std::string> string(const ObjectPtr& o, const std::string& key, std::string_view context);
/// true/false, "true"/"false", 1/0; missing / null / "" → nullopt.
connectors::Result<std::optional<bool>> optBool(const ObjectPtr& o, const std::string& key, std::string_view context);
/// Pacific `yyyy-MM-dd HH:mm:ss` → UTC ms; missing / "" → nullopt.
connectors::Result<std::optional<std::int64_t>> optTime(const ObjectPtr& o, const std::string& key,
                                                        std::string_view context);
/// Decimal text amount plus a currency field; missing / "" amount → nullopt; an amount
/// without a currency is an error.
connectors::Result<std::optional<connectors::Money>> optMoney(const ObjectPtr& o, const std::string& amountKey,
                                                             const std::string& currencyKey, std::string_view context);
/// A list that may be a plain array (simplify=true), an object wrapping one array
/// ({"solution_api_dto":[...]}), an empty object {}, "" or missing (→ empty). Items must be objects.
connectors::Result<std::vector<ObjectPtr>> objectList(const ObjectPtr& o, const std::string& key,
                                                      std::string_view context);

/// The payload of a /sync answer: doc["<method with _>_response"] when present (wrapped
/// shape), else the document itself (simplified shape).
ObjectPtr responseBody(const ObjectPtr& doc, std::string_view method);

} // namespace sac::aliexpress::json
