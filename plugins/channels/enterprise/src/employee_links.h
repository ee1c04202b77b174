// A batch's employee rows in the host's record store and the re-issue of one employee's personal
// link, shared by the route (POST /batches/{id}/employees/{row}/link) and `shimingctl enterprise
// reissue-link`:
//   enterprise.batch  key <batch id>, index "<province>/<enterprise>"
//   enterprise.rows   key "<batch id>/<chunk, 6 digits>", index <batch id>: {rows: [...]}, 500 rows
//                     to a record in file order (case id, employee token, masked name and ID, flags)
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "shiming/sdk/result.h"
#include "shiming/sdk/services.h"

namespace shiming::enterprise {

inline constexpr const char* kBatches = "enterprise.batch";
inline constexpr const char* kRowChunks = "enterprise.rows";
inline constexpr std::size_t kRowsPerChunk = 500;  // also the chunk of cases opened at once

std::string chunk_key(const std::string& batch, std::size_t chunk);

// Replaces the case's citizen token and records why (the host's Cases::reissue_citizen_token);
// returns the new token.
using ReissueToken = std::function<sdk::Result<std::string>(const std::string& case_id, const std::string& reason)>;

// A new personal link for the employee at CSV row `row` (as given: digits, 2 or more) of `batch`
// (its stored record): the token is replaced through `reissue`, the row's record gets it and
// loses LINK_LOST_ON_RESTART. `by` names who asked (for the reason). Returns {batch_id, row,
// case_id, token, case_url, flags}. Errors: BATCH_NOT_READY (not imported yet), ROW_INVALID,
// ROW_NOT_FOUND, the reissue's and the store's errors. The caller serialises writes to the batch.
sdk::Result<nlohmann::json> reissue_employee_link(sdk::RecordStore& records, const nlohmann::json& batch,
                                                  const std::string& row, const std::string& by,
                                                  const std::string& now_iso, const ReissueToken& reissue);

}  // namespace shiming::enterprise
