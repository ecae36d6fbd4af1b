/// The inline stylesheet and script of the report pages (inline, so a page is one self-contained file).
enum HTMLAssets {
    /// Screen, phone and A4 print styles.
    static let css = """
    :root{--fg:#1f2933;--muted:#5f6b7a;--line:#d5dbe3;--head:#eef2f7;--bg:#f6f8fa;--ok:#2e7d32;--bad:#c62828;--link:#1556a8}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%}
    body{margin:0;color:var(--fg);background:#fff;font:15px/1.55 system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif}
    main{max-width:1240px;margin:0 auto;padding:16px 18px 40px}
    h1{font-size:1.55em;margin:.3em 0 .1em}
    h2{font-size:1.2em;margin:1.8em 0 .6em;padding-bottom:.25em;border-bottom:2px solid var(--line)}
    h3{font-size:1.05em;margin:0 0 .3em}
    a{color:var(--link)}
    .note{color:var(--muted);font-size:.92em}
    .deadline{display:inline-block;margin:.4em 0;padding:.2em .7em;border-radius:4px;background:#fff4e5;border:1px solid #f0c27b}
    .deadline.late{background:#fdecea;border-color:#e8a19b}
    .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(112px,1fr));gap:10px;margin:14px 0}
    .card{border:1px solid var(--line);border-radius:8px;padding:8px 12px;background:var(--bg)}
    .card span{display:block;color:var(--muted);font-size:.9em}
    .card b{display:block;font-size:1.55em;font-variant-numeric:tabular-nums}
    .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
    table{border-collapse:collapse;width:100%;font-size:14px}
    th,td{border:1px solid var(--line);padding:4px 7px;text-align:left;vertical-align:top}
    th{background:var(--head);white-space:nowrap;font-weight:600}
    td{unicode-bidi:isolate;white-space:pre-line;overflow-wrap:anywhere;min-width:3em}
    td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    td.wide{min-width:11em}
    td.nw{white-space:nowrap;overflow-wrap:normal}
    td.mid{min-width:4.5em}
    #followup-table{font-size:13.5px}
    tbody tr:nth-child(even){background:#fafbfc}
    .barbox{display:inline-block;width:90px;height:10px;background:#e4e8ee;border-radius:5px;overflow:hidden;vertical-align:middle}
    .bar{display:block;height:100%;background:var(--ok)}
    th.sorter{cursor:pointer}
    th.sorter::after{content:" \\2195";color:var(--muted)}
    th.sorter[aria-sort=ascending]::after{content:" \\2191"}
    th.sorter[aria-sort=descending]::after{content:" \\2193"}
    .controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}
    .controls[hidden]{display:none}
    .controls input,.controls select{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:4px;max-width:100%}
    .controls input{flex:1 1 220px}
    figure{margin:0}
    svg.trend{width:100%;max-width:760px;height:auto;display:block}
    .student{border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:10px 0;break-inside:avoid;unicode-bidi:isolate;overflow-wrap:anywhere}
    .student dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:.3em 0}
    .student dt{color:var(--muted)}
    .student dd{margin:0;white-space:pre-line}
    .student ol{margin:.2em 0;padding-left:1.4em}
    .state-unchecked{color:var(--bad)}
    .new{color:var(--bad);font-weight:600}
    footer{margin-top:2.5em}
    @media (max-width:640px){
    main{padding:10px 10px 30px}
    body{font-size:14px}
    table{font-size:12.5px}
    th,td{padding:3px 5px}
    h1{font-size:1.3em}
    .cards{grid-template-columns:repeat(3,1fr);gap:6px}
    .card{padding:5px 8px}
    .card b{font-size:1.25em}
    .barbox{width:36px}
    /* The follow-up list as one card per student, who and why first: a table of thirteen columns showed a phone
       its first five (学院 … 学号) and put the name, the problem and the remedy off to the right. */
    #followup-table thead{display:none}
    #followup-table,#followup-table tbody{display:block}
    #followup-table tr{display:flex;flex-wrap:wrap;border:1px solid var(--line);border-radius:8px;margin:8px 0;padding:6px 9px;background:#fff}
    #followup-table td{display:block;flex:1 1 100%;border:none;padding:1px 0;min-width:0;text-align:left}
    #followup-table td:empty{display:none}
    #followup-table td::before{color:var(--muted)}
    #followup-table td:nth-child(6){order:-3;font-weight:600;font-size:1.05em}
    #followup-table td:nth-child(9){order:-2}
    #followup-table td:nth-child(10){order:-1}
    #followup-table td:nth-child(1)::before{content:"学院："}
    #followup-table td:nth-child(2)::before{content:"班级："}
    #followup-table td:nth-child(3)::before{content:"辅导员："}
    #followup-table td:nth-child(4)::before{content:"考生号："}
    #followup-table td:nth-child(5)::before{content:"学号："}
    #followup-table td:nth-child(6)::before{content:"姓名："}
    #followup-table td:nth-child(7)::before{content:"身份证号："}
    #followup-table td:nth-child(8)::before{content:"手机号："}
    #followup-table td:nth-child(9)::before{content:"状态："}
    #followup-table td:nth-child(10)::before{content:"问题："}
    #followup-table td:nth-child(11)::before{content:"处理办法："}
    #followup-table td:nth-child(12)::before{content:"未查天数："}
    #followup-table td:nth-child(13)::before{content:"变化："}
    }
    @media print{
    @page{size:A4 landscape;margin:12mm}
    body{font-size:10pt}
    main{max-width:none;padding:0}
    .scroll{overflow:visible}
    table{font-size:8pt;page-break-inside:auto}
    th{white-space:normal;overflow-wrap:anywhere}
    td.wide,td{min-width:0}
    td.mid{min-width:4.5em}
    th.sorter::after{content:none}
    #followup-table{font-size:7.5pt}
    tr,.card,figure{break-inside:avoid}
    thead{display:table-header-group}
    .controls{display:none}
    a{color:inherit;text-decoration:none}
    h2,h2+p,dt{break-after:avoid}
    }

    """

    /// Sorting and filtering; without it every table is still complete and readable.
    static let script = """
    (function () {
      'use strict';
      var root = document.documentElement;
      window.addEventListener('error', function () { root.setAttribute('data-js-error', '1'); });
      function text(row, i) { var c = row.cells[i]; return c ? c.textContent.trim() : ''; }
      function num(s) { var n = parseFloat(s.replace(/[^0-9.\\-]/g, '')); return isNaN(n) ? -Infinity : n; }
      Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
        var body = table.tBodies[0];
        // The header cell itself sorts (a button inside it printed as an empty header on continued pages).
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
          th.tabIndex = 0;
          th.classList.add('sorter');
          th.addEventListener('keydown', function (e) {
            if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); th.click(); }
          });
          th.addEventListener('click', function () {
            var asc = th.getAttribute('aria-sort') !== 'ascending';
            Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute('aria-sort'); });
            th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
            var numeric = th.classList.contains('num');
            var rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (a, b) {
              var x = text(a, i), y = text(b, i);
              var r = numeric ? num(x) - num(y) : x.localeCompare(y, 'zh-CN');
              return asc ? r : -r;
            });
            rows.forEach(function (r) { body.appendChild(r); });
          });
        });
      });
      Array.prototype.forEach.call(document.querySelectorAll('.controls[data-for]'), function (box) {
        var table = document.getElementById(box.getAttribute('data-for'));
        if (!table) { return; }
        var input = box.querySelector('input'), select = box.querySelector('select'), count = box.querySelector('output');
        var rows = table.tBodies[0].rows;
        function apply() {
          var q = input.value.trim().toLowerCase(), college = select ? select.value : '', shown = 0;
          for (var k = 0; k < rows.length; k++) {
            var ok = (!q || rows[k].textContent.toLowerCase().indexOf(q) >= 0) &&
                     (!college || text(rows[k], 0) === college);
            rows[k].hidden = !ok;
            if (ok) { shown++; }
          }
          if (count) { count.textContent = '显示 ' + shown + ' / ' + rows.length; }
        }
        input.addEventListener('input', apply);
        if (select) { select.addEventListener('change', apply); }
        box.hidden = false;
        apply();
      });
      root.setAttribute('data-js', 'ready');
    })();

    """
}
