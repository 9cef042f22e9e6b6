// Code lists behind the AI linters (country, currency, package type codes), as GS1's reference linters hold them.
//
// Source: gs1/gs1-syntax-dictionary src/lint_iso3166.c, lint_iso4217.c, lint_iso3166alpha2.c,
// lint_packagetype.c, lint_mediatype.c (Apache-2.0, Copyright (c) 2022-2025 GS1 AISBL). The bitmaps are
// the linters' own uint64 tables written as hex: bit n (most significant first) set = code n is valid.
// ISO 4217 as at dictionary commit ff2eb4bf (the AI table's): 191, 694, 931, 932 withdrawn; 396, 926 added.
// test/conformance/gs1.ts checks every code against the dictionary's exhaustive linter unit tests.

const ISO3166_NUM3 =
  '08a888898888b888' + '8aa80a2888888888' + '0888888a22232889' + '88188a2221e322a2' +
  '2a2a180088888888' + '888a888888888888' + '888288a2622a22a2' + '222222228808b888' +
  '8888970808222222' + '2de102888888a222' + '320a1b222222a203' + 'e20808c8088888a8' +
  '8888889a89002021' + 'e080222a00082102' + '0000000000000000' + '0000000000000000';

const ISO4217_NUM3 =
  '008800008808b808' + '8880082080880808' + '0880808800220008' + '8010820202822000' +
  '0202000008000000' + '8888088888888080' + '088a88a262222002' + '022200008800a080' +
  '88080c0008220200' + '2022028880000020' + '1202000000202002' + 'a200008000088888' +
  '0088880081002020' + '2080002800002200' + '0400000fe6adbfdf' + 'fdfdfce225000000';

/** Index (AA = 0, AB = 1, …, ZZ = 675). */
const ISO3166_ALPHA2 =
  '1e9afb77f7bdbb7b' + 'e4fc21a8012b0070' + '003a900df9dfa800' + 'b160181ef00202c0' +
  '00b8d42f8281f2bf' + '3fffeba4d2100080' + '023cf1ca80000002' + '008a8fbfe75cddf9' +
  '59820820eaa10200' + '4002000000000800' + '1020020080000000';

/** UN/ECE Recommendation 21 package type codes extended by GS1 (PackageTypeCode code list). */
const PACKAGE_TYPES = new Set(
  ('1A 1B 1D 1F 1G 1W 200 201 202 203 204 205 206 210 211 212 2C 3A 3H 43 44 4A 4B 4C 4D 4F 4G 4H 5H 5L 5M 6H 6P 7A 7B ' +
    '8 8A 8B 8C 9 AA AB AC AD AF AG AH AI AJ AL AM AP APE AT AV B4 BB BC BD BE BF BG BGE BH BI BJ BK BL BM BME BN BO BP BQ ' +
    'BR BRI BS BT BU BV BW BX BY BZ CA CB CBL CC CCE CD CE CF CG CH CI CJ CK CL CM CN CO CP CQ CR CS CT CU CV CW CX CY CZ ' +
    'DA DB DC DG DH DI DJ DK DL DM DN DP DPE DR DS DT DU DV DW DX DY E1 E2 E3 EC ED EE EF EG EH EI EN FB FC FD FE FI FL FO ' +
    'FOB FP FPE FR FT FW FX GB GI GL GR GU GY GZ HA HB HC HG HN HR IA IB IC ID IE IF IG IH IK IL IN IZ JB JC JG JR JT JY KG ' +
    'KI LAB LE LG LT LU LV LZ MA MB MC ME MPE MR MS MT MW MX NA NE NF NG NS NT NU NV OA OB OC OD OE OF OK OPE OT OU P2 PA ' +
    'PAE PB PC PD PE PF PG PH PI PJ PK PL PLP PN PO POP PP PPE PR PT PU PUE PV PX PY PZ QA QB QC QD QF QG QH QJ QK QL QM QN ' +
    'QP QQ QR QS RB1 RB2 RB3 RCB RD RG RJ RK RL RO RT RZ S1 SA SB SC SD SE SEC SH SI SK SL SM SO SP SS ST STL SU SV SW SX SY ' +
    'SZ T1 TB TC TD TE TEV TG THE TI TK TL TN TO TR TRE TS TT TTE TU TV TW TWE TY TZ UC UN UUE VA VG VI VK VL VN VO VP VQ VR ' +
    'VS VY WA WB WC WD WF WG WH WJ WK WL WM WN WP WQ WR WRP WS WT WU WV WW WX WY WZ X11 X12 X15 X16 X17 X18 X19 X20 X3 XA ' +
    'XB XC XD XF XG XH XJ XK YA YB YC YD YF YG YH YJ YK YL YM YN YP YQ YR YS YT YV YW YX YY YZ ZA ZB ZC ZD ZF ZG ZH ZJ ZK ZL ' +
    'ZM ZN ZP ZQ ZR ZS ZT ZU ZV ZW ZX ZY ZZ').split(' '),
);

function bit(bitmap: string, n: number): boolean {
  const nibble = parseInt(bitmap[n >> 2] ?? '0', 16);
  return (nibble & (8 >> (n & 3))) !== 0;
}

/** An ISO 3166-1 numeric (num-3) country code, three digits. */
export function isIso3166(code: string): boolean {
  return /^\d{3}$/.test(code) && bit(ISO3166_NUM3, Number(code));
}

/** An ISO 4217 numeric currency code, three digits. */
export function isIso4217(code: string): boolean {
  return /^\d{3}$/.test(code) && bit(ISO4217_NUM3, Number(code));
}

/** An ISO 3166-1 alpha-2 country code, two capital letters. */
export function isIso3166Alpha2(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && bit(ISO3166_ALPHA2, (code.charCodeAt(0) - 65) * 26 + code.charCodeAt(1) - 65);
}

export function isPackageType(code: string): boolean {
  return PACKAGE_TYPES.has(code);
}

/** AIDC media type (AI 7241): 01–10 and the company-internal range 80–99. */
export function isMediaType(code: string): boolean {
  if (!/^\d{2}$/.test(code)) return false;
  const n = Number(code);
  return (n >= 1 && n <= 10) || n >= 80;
}
