-- cli_table.lua - virsh's text layouts: the column table of `list` (as
-- tools/vsh-table.c prints it) and the two-column "Key:  value" blocks of
-- `dominfo` and `nodeinfo`. Pure functions returning strings.
local M = {}

-- Display width of a cell: UTF-8 characters, bytes if the text is not UTF-8.
-- Control characters are shown as \xNN, as vsh-table does.
local function cell(v)
  local s = tostring(v == nil and "" or v)
  if not s:find("[%c\128-\255]") then return s, #s, true end   -- plain ASCII
  if s:find("%c") then
    s = s:gsub("%c", function(c) return string.format("\\x%02x", c:byte()) end)
  end
  if not s:find("[\128-\255]") then return s, #s, true end
  return s, utf8.len(s) or #s, false
end

-- Render a table: headers is an array of column titles, rows an array of
-- arrays of cells (strings or numbers). Each cell is preceded by one space
-- and followed by padding to its column's width plus two spaces (none after
-- the last column); the header is underlined with width+3 dashes per column.
-- opts.header = false leaves out the header and underline (virsh --quiet).
-- `list` renders hundreds of rows per command: cells are kept in one flat
-- array per column, and a width is stored only for a cell that is not ASCII.
function M.render(headers, rows, opts)
  local show_header = not (opts and opts.header == false)
  local ncol, nrow = #headers, #rows
  local cols, wide, width = {}, {}, {}
  for j = 1, ncol do
    local c, w_of, wmax = {}, nil, 0
    local s, w, plain = cell(headers[j])
    c[0] = s
    if not plain then w_of = {[0] = w} end
    if show_header then wmax = w end
    for i = 1, nrow do
      s, w, plain = cell(rows[i][j])
      c[i] = s
      if not plain then w_of = w_of or {}; w_of[i] = w end
      if w > wmax then wmax = w end
    end
    cols[j], wide[j], width[j] = c, w_of, wmax
  end
  local out, v = {}, {}
  -- one format per line; a column holding a non-ASCII cell is padded by
  -- hand, as %-Ns counts bytes, not characters
  local f = {}
  for j = 1, ncol do
    if j == ncol then f[j] = " %s"
    elseif wide[j] then f[j] = " %s"
    else f[j] = " %-" .. width[j] .. "s  " end
  end
  local fmt = table.concat(f) .. "\n"
  local function line(i)
    for j = 1, ncol do
      local s, w_of = cols[j][i], wide[j]
      if w_of and j < ncol then
        s = s .. string.rep(" ", width[j] - (w_of[i] or #s) + 2)
      end
      v[j] = s
    end
    out[#out + 1] = fmt:format(table.unpack(v, 1, ncol))
  end
  if show_header then
    line(0)
    local n = 0
    for j = 1, ncol do n = n + width[j] + 3 end
    out[#out + 1] = string.rep("-", n) .. "\n"
  end
  for i = 1, nrow do line(i) end
  return table.concat(out)
end

-- Render "Key: value" lines with the key padded to `width` (virsh uses
-- "%-15s %s" for dominfo and "%-20s %s" for nodeinfo). pairs is an array
-- of {key, value}; entries whose value is nil are left out.
function M.kv(pairs, width)
  local out = {}
  local fmt = "%-" .. tostring(width or 15) .. "s %s\n"
  for _, p in ipairs(pairs) do
    if p[2] ~= nil then
      out[#out + 1] = string.format(fmt, p[1], tostring(p[2]))
    end
  end
  return table.concat(out)
end

return M
