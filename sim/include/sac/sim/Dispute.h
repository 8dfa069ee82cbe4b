#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sac::sim {

/// A negotiation proposal on a dispute. Money in minor units (cents) of `currency`;
/// times UTC epoch ms (0 = not set, written as "").
struct SolutionRecord {
  std::int64_t id = 0;
  std::string solution_type;  ///< refund | return_and_refund
  std::string owner;          ///< buyer | seller | platform
  std::string status;         ///< wait_seller_accept, wait_buyer_accept, reached, seller_refused, ...
  bool is_default = false;
  std::string content;
  std::int64_t amount_cents = 0;
  std::string currency;
  std::int64_t amount_usd_cents = 0;  ///< refund_money_post (USD)
  std::int64_t gmt_create = 0;
  std::int64_t gmt_modified = 0;
  std::int64_t reached_time = 0;
  std::string reached_type;
  std::int64_t seller_accept_time = 0;
  std::int64_t buyer_accept_time = 0;
  std::string logistics_fee_bear_role;  ///< for return_and_refund: seller | buyer
};

/// An image or file attached to a history entry.
struct AttachmentRecord {
  std::string file_path;
  std::string owner;  ///< buyer | seller
  std::int64_t gmt_create = 0;
};

/// One history entry of a dispute.
struct ProcessRecord {
  std::int64_t id = 0;
  std::string action_type;         ///< initiate, buyer_create_solution, seller_create_solution, ...
  std::string submit_member_type;  ///< buyer | seller | system | waiter
  std::string content;
  std::int64_t gmt_create = 0;
  bool receive_goods = false;
  std::vector<AttachmentRecord> attachments;
};

/// The full state of one simulated dispute (AliExpress "issue").
struct Dispute {
  std::uint32_t index = 0;  ///< position in the generated population
  std::int64_t issue_id = 0;
  std::int64_t order_id = 0;         ///< sub-order
  std::int64_t parent_order_id = 0;  ///< main order
  std::int64_t product_id = 0;
  std::string buyer_login_id;
  std::string issue_status;  ///< processing | canceled_issue | finish
  std::string fine_status;   ///< reverse_detail_status
  std::string timeout_type;  ///< empty when there is no running deadline
  std::int64_t gmt_create = 0;
  std::int64_t gmt_modified = 0;
  std::int64_t deadline = 0;  ///< timeout_trigger_time; 0 = none
  int reason_id = 0;
  std::string reason_english;
  std::string reason_chinese;
  std::string product_name;
  int quantity = 1;
  std::int64_t price_cents = 0;
  std::string currency;  ///< of product_price and refund_money_max
  std::int64_t refund_max_cents = 0;
  std::int64_t refund_max_local_cents = 0;
  std::string local_currency;
  std::string return_logistics_company;
  std::string return_no;
  std::string return_lp_no;
  std::vector<SolutionRecord> buyer_solutions;
  std::vector<SolutionRecord> seller_solutions;
  std::vector<SolutionRecord> platform_solutions;
  std::vector<ProcessRecord> process;  ///< newest first
  int uploaded_images = 0;
};

}  // namespace sac::sim
