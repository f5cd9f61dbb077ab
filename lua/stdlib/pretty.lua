-- pretty.lua - readable text for Lua values, used by the REPL to show
-- results: sorted keys, arrays as lists, nested indentation, cycles marked,
-- objects through their __tostring (`domain 'web1' (running)`), and an
-- array of similar records as an aligned table with a header, like virsh.
local M = {}

local DEFAULTS = {
  indent = "  ",      -- one nesting level
  width = 80,         -- a table is kept on one line when it fits
  max_depth = 8,      -- deeper tables show as {...}
  max_items = 500,    -- entries shown per table
  columns = true,     -- top-level arrays of records as aligned columns
  columns_min = 2,    -- rows needed for that
  columns_max = 16,   -- at most this many different fields
}

local KEYWORDS = {}
for w in ([[and break do else elseif end false for function goto if in
  local nil not or repeat return then true until while]]):gmatch("%a+") do
  KEYWORDS[w] = true
end

-- Fields shown first in a column table, in this order; the rest sorted.
local FIRST_COLUMNS = { "id", "name", "uuid", "state", "type" }

local ESCAPES = { ["\n"] = "\\n", ["\t"] = "\\t", ["\r"] = "\\r",
  ["\\"] = "\\\\", ['"'] = '\\"' }

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return ESCAPES[c] or string.format("\\%03d", c:byte())
  end) .. '"'
end

local function has_tostring(v)
  local mt = debug.getmetatable(v)
  return type(mt) == "table" and mt.__tostring ~= nil
end

-- A plain table: one shown by its contents, not by __tostring.
local function is_plain(v)
  return type(v) == "table" and not has_tostring(v)
end

-- A value that is not a plain table, as text; strings quoted if `quoted`.
local function atom(v, quoted)
  if type(v) == "string" then
    return quoted and quote(v) or v
  end
  local ok, s = pcall(tostring, v)
  return ok and s or "<" .. type(v) .. ">"
end

local function key_text(k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") and not KEYWORDS[k] then
    return k
  end
  return "[" .. atom(k, true) .. "]"
end

local TYPE_RANK = { number = 1, string = 2, boolean = 3 }

local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then
    return (TYPE_RANK[ta] or 4) < (TYPE_RANK[tb] or 4)
  end
  if ta == "number" or ta == "string" then
    return a < b
  end
  return atom(a) < atom(b)
end

-- The length of the array part 1..n (raw, no __index/__len) and the other
-- keys, sorted.
local function split_keys(t)
  local n = 0
  while rawget(t, n + 1) ~= nil do
    n = n + 1
  end
  local keys = {}
  for k in next, t do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then
      keys[#keys + 1] = k
    end
  end
  table.sort(keys, key_less)
  return n, keys
end

---------------------------------------------------------------------------
-- Column tables

-- The fields of t if it can be a row: string keys, values not plain tables.
local function row_fields(t)
  if not is_plain(t) then return nil end
  local fields = {}
  for k, v in next, t do
    if type(k) ~= "string" or is_plain(v) then return nil end
    fields[#fields + 1] = k
  end
  return fields
end

-- The columns for array t (n entries), or nil if its entries are not
-- similar records: every entry a row, together at most columns_max fields,
-- each entry having at least half of them, one field in all.
local function grid_columns(t, n, opts)
  if n < opts.columns_min then return nil end
  local seen, columns, counts = {}, {}, {}
  for i = 1, n do
    local fields = row_fields(rawget(t, i))
    if not fields or #fields == 0 then return nil end
    counts[i] = #fields
    for _, f in ipairs(fields) do
      if not seen[f] then
        seen[f] = true
        columns[#columns + 1] = f
        if #columns > opts.columns_max then return nil end
      end
    end
  end
  local common = {}
  for _, f in ipairs(columns) do common[f] = true end
  for i = 1, n do
    if counts[i] * 2 < #columns then return nil end
    for f in pairs(common) do
      if rawget(rawget(t, i), f) == nil then common[f] = nil end
    end
  end
  if next(common) == nil then return nil end
  local rank = {}
  for i, f in ipairs(FIRST_COLUMNS) do rank[f] = i end
  table.sort(columns, function(a, b)
    local ra, rb = rank[a] or math.huge, rank[b] or math.huge
    if ra ~= rb then return ra < rb end
    return a < b
  end)
  return columns
end

local function text_width(s)
  return utf8.len(s) or #s
end

local function pad(s, w, right)
  local fill = string.rep(" ", w - text_width(s))
  return right and fill .. s or s .. fill
end

local function format_grid(t, n, columns)
  local cells, widths, numeric = {}, {}, {}
  for c, name in ipairs(columns) do
    widths[c] = text_width(name)
    numeric[c] = true
  end
  for i = 1, n do
    local row = {}
    for c, name in ipairs(columns) do
      local v = rawget(rawget(t, i), name)
      row[c] = v == nil and "-" or atom(v, false):gsub("[\r\n]", " ")
      if v ~= nil and type(v) ~= "number" then numeric[c] = false end
      widths[c] = math.max(widths[c], text_width(row[c]))
    end
    cells[i] = row
  end
  local function line(row)
    local parts = {}
    for c = 1, #columns do
      parts[c] = pad(row[c], widths[c], numeric[c])
    end
    return (table.concat(parts, "  "):gsub("%s+$", ""))
  end
  local head = line(columns)
  local out = { head, string.rep("-", text_width(head)) }
  for i = 1, n do
    out[#out + 1] = line(cells[i])
  end
  return table.concat(out, "\n")
end

---------------------------------------------------------------------------
-- Nested tables

local render

local function render_table(t, ctx, depth, ind, lead)
  local opts = ctx.opts
  local n, keys = split_keys(t)
  if depth == 0 and opts.columns and #keys == 0 then
    local columns = grid_columns(t, n, opts)
    if columns then return format_grid(t, n, columns) end
  end
  local inner = ind .. opts.indent
  local pieces, total, multiline = {}, 0, false
  local function add(piece)
    pieces[#pieces + 1] = piece
    total = total + #piece + 2
    multiline = multiline or piece:find("\n", 1, true) ~= nil
  end
  local count = n + #keys
  for i = 1, math.min(n, opts.max_items) do
    add(render(rawget(t, i), ctx, depth + 1, inner, #inner))
  end
  for i = 1, math.min(#keys, opts.max_items - n) do
    local k = keys[i]
    local kt = key_text(k) .. " = "
    add(kt .. render(rawget(t, k), ctx, depth + 1, inner, #inner + #kt))
  end
  if count > opts.max_items then
    add(string.format("... (%d more)", count - opts.max_items))
  end
  -- lead: what precedes on the line; +3 for "{ ", " }" and a comma
  if not multiline and lead + total + 3 <= opts.width then
    return "{ " .. table.concat(pieces, ", ") .. " }"
  end
  return "{\n" .. inner .. table.concat(pieces, ",\n" .. inner) .. ",\n" ..
    ind .. "}"
end

render = function(v, ctx, depth, ind, lead)
  if not is_plain(v) then
    return atom(v, true)
  end
  if ctx.path[v] then
    return "<cycle>"
  end
  if next(v) == nil then
    return "{}"
  end
  if depth >= ctx.opts.max_depth then
    return "{...}"
  end
  ctx.path[v] = true
  local s = render_table(v, ctx, depth, ind, lead)
  ctx.path[v] = nil
  return s
end

local function options(opts)
  local o = {}
  for k, v in pairs(DEFAULTS) do o[k] = v end
  for k, v in pairs(opts or {}) do o[k] = v end
  return o
end

--- The text for v: strings quoted, tables laid out as described above.
-- opts: indent, width, max_depth, max_items, columns (false: no column
-- tables), columns_min, columns_max.
function M.format(v, opts)
  return render(v, { opts = options(opts), path = {} }, 0, "", 0)
end

--- Print each value as the REPL shows results: a top-level string as it
-- is, anything else through format(); on one line separated by tabs, or
-- one value per line when any of them takes several lines.
function M.print(...)
  local n = select("#", ...)
  if n == 0 then return end
  local parts, sep = {}, "\t"
  for i = 1, n do
    local v = select(i, ...)
    parts[i] = type(v) == "string" and v or M.format(v)
    if parts[i]:find("\n", 1, true) then sep = "\n" end
  end
  io.stdout:write(table.concat(parts, sep), "\n")
end

return M
