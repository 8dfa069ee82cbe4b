#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sac/sim/Dispute.h"

namespace sac::sim {

/// Outcome of a state-changing call: ok, or the marketplace's refusal.
struct StoreResult {
  bool ok = true;
  std::string sub_code;  ///< e.g. "isv.issue-not-found"
  std::string message;   ///< says what was expected and what arrived

  static StoreResult success() { return {}; }
  static StoreResult failure(std::string code, std::string msg) {
    return {false, std::move(code), std::move(msg)};
  }
};

/// Input of aliexpress.issue.solution.save, already parsed from `param_dto`.
struct SaveSolutionInput {
  bool add_seller_solution = true;
  std::string buyer_login_id;
  std::int64_t issue_id = 0;
  std::int64_t buyer_solution_id = 0;
  std::int64_t modify_seller_solution_id = 0;
  std::int64_t refund_cents = 0;
  std::string refund_currency;
  std::string solution_context;
  std::string solution_type = "refund";
  std::string return_address_id;
};

/// The disputes of one store. The population is a pure function of (seed, store index,
/// count, anchor): base records are regenerated on demand and only disputes changed
/// through the API (or created by churn) are kept in full, so 100 000 disputes cost a few
/// megabytes. Thread-safe (one mutex).
class DisputeStore {
public:
  DisputeStore(std::uint64_t seed, std::size_t store_index, std::uint32_t count,
               std::int64_t anchor_ms);

  /// Forgets every change and every dispute created since the start.
  void reset();
  /// Disputes held now (the generated ones plus those created by churn).
  std::uint32_t size() const;

  struct Page {
    std::int64_t total = 0;
    std::vector<Dispute> items;
  };
  /// Disputes with `issue_status`, optionally filtered by sub-order or parent order id
  /// (`order_no`) and buyer, in a fixed pseudo-random order (not chronological), stable
  /// across pages while nothing changes. `page` is 1-based.
  Page list(const std::string& issue_status, int page, int page_size,
            const std::string& order_no, const std::string& buyer_login_id) const;

  std::optional<Dispute> find(std::int64_t issue_id) const;
  /// The dispute of an order: `order_id` is its main (parent) order id or its sub-order id.
  std::optional<Dispute> findByOrder(std::int64_t order_id) const;

  StoreResult agree(std::int64_t issue_id, const std::string& buyer_login_id,
                    std::int64_t solution_id, const std::string& return_address_id,
                    std::int64_t now_ms);
  StoreResult saveSolution(const SaveSolutionInput& in, std::int64_t now_ms);
  /// Records an uploaded evidence image in the history; `path_out` receives its path.
  StoreResult addImage(std::int64_t issue_id, const std::string& buyer_login_id,
                       const std::string& extension, std::int64_t now_ms,
                       std::string* path_out);
  /// The buyer modifies `count` open disputes (deterministic choice): new buyer proposal,
  /// gmt_modified = now, deadline = now + 5 days. Returns the changed issue ids. `quiet`
  /// leaves gmt_modified as it was (the list then shows no change; only the detail does).
  std::vector<std::int64_t> touch(int count, std::int64_t now_ms, bool quiet = false);

  /// What one churn call changed (issue ids).
  struct ChurnResult {
    std::vector<std::int64_t> finished;  ///< processing -> finish
    std::vector<std::int64_t> canceled;  ///< processing -> canceled_issue
    std::vector<std::int64_t> created;   ///< new processing disputes
  };
  /// A busy store between two list pages: `count` steps, taken in turn (the turn goes on
  /// across calls): an open dispute finishes (`refund_success`, or `return_success` after
  /// a return), a new dispute opens (`gmt_create` = now, at a pseudo-random place of the
  /// listing order), an open dispute is canceled by the buyer (`buyer_cancel`). Open
  /// disputes are picked pseudo-randomly (deterministic per seed); `gmt_modified` = now.
  ChurnResult churn(int count, std::int64_t now_ms);
  /// Churn steps taken since the start: to_finish, to_canceled, created.
  std::map<std::string, std::int64_t> churnCounts() const;

  /// One dispute of the ground truth (GET /_sim/disputes).
  struct TruthRow {
    std::int64_t issue_id = 0;
    std::string buyer_login_id;
    std::string issue_status;
    std::string fine_status;  ///< the detail's reverse_detail_status
    std::int64_t gmt_create = 0;
    std::int64_t gmt_modified = 0;
    std::int64_t deadline = 0;
    int reason_id = 0;
    std::int64_t parent_order_id = 0;
    std::string logistics;  ///< the order's package: delivered | lost | no_tracking (OrderLogistics)
  };
  /// Every dispute held now, by ascending issue id.
  std::vector<TruthRow> truth() const;

  std::map<std::string, std::int64_t> countByStatus() const;

  /// True for the reasons where the buyer says the item never arrived ("Item not
  /// received", "Shipping takes too long"): there is nothing to return, so only `refund`
  /// solutions are allowed (never `return_and_refund`).
  static bool nonReceiptReason(int reason_id);

  /// Base issue id of this population (ids are 16 digits, most above 2^53).
  static constexpr std::int64_t kIssueIdBase = 9007199254700000LL;
  /// Churn creates at most this many disputes per store (later steps only move).
  static constexpr std::uint32_t kMaxCreated = 1000000;

private:
  struct Compact {
    std::uint8_t status = 0;  ///< 0 processing, 1 canceled_issue, 2 finish
    std::uint64_t order_key = 0;
  };
  Dispute generate(std::uint32_t index) const;
  Dispute load(std::uint32_t index) const;  ///< overlay or generated; caller holds mu_
  std::optional<std::uint32_t> indexOf(std::int64_t issue_id) const;  ///< caller holds mu_
  void store(Dispute d);  ///< caller holds mu_
  std::int64_t issueIdOf(std::uint32_t index) const;
  std::uint64_t orderKeyOf(std::uint32_t index) const;
  /// Listing order of one status: indices sorted by (order_key, index). Caller holds mu_.
  bool listedBefore(std::uint32_t a, std::uint32_t b) const;
  void listInsert(std::uint8_t status, std::uint32_t index);
  void listErase(std::uint8_t status, std::uint32_t index);

  std::uint64_t seed_;
  std::size_t store_index_;
  std::uint32_t base_count_;  ///< generated population
  std::uint32_t count_;       ///< generated + created; guarded by mu_
  std::int64_t anchor_ms_;
  mutable std::mutex mu_;
  std::vector<Compact> compact_;
  std::array<std::vector<std::uint32_t>, 3> listed_;  ///< per status, in listing order
  std::unordered_map<std::uint32_t, Dispute> changed_;
  std::uint32_t touch_cursor_ = 0;
  std::uint64_t churn_step_ = 0;
  std::int64_t churn_finished_ = 0, churn_canceled_ = 0, churn_created_ = 0;
};

}  // namespace sac::sim
