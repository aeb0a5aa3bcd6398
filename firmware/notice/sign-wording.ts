// The words on the camera's sign (Art. 10-6(1): notice by signs), Korean first
// as the law's audience reads it, English below. The sign font is generated
// from exactly these strings and the legal grounds' labels (`chaincam font`),
// so a new word here needs a regenerated drivers/sign-font.ts.

export interface SignWords {
  readonly ko: string;
  readonly en: string;
}

export const SIGN_WORDING = Object.freeze({
  recording: Object.freeze({ ko: '녹화 중', en: 'RECORDING' }),
  ready: Object.freeze({ ko: '녹화 대기', en: 'READY' }),
  notRecording: Object.freeze({ ko: '', en: 'NOT RECORDING' }),
  groundPending: Object.freeze({ ko: '근거 미확인', en: 'Ground pending' }),
  noticeNotGiven: Object.freeze({ ko: '고지 불가', en: 'NOTICE NOT GIVEN' }),
  lowStorage: Object.freeze({ ko: '저장공간 부족', en: 'LOW STORAGE' }),
  storageFree: Object.freeze({ ko: '', en: 'free' }),
  chooseGround: Object.freeze({ ko: '근거 선택', en: 'Choose ground' }),
  confirmGround: Object.freeze({ ko: '근거 확인', en: 'Confirm ground' }),
  changeGround: Object.freeze({ ko: '근거 변경', en: 'Change ground' }),
  choiceHint: Object.freeze({ ko: '', en: 'short:next long:OK' }),
  unprovisioned: Object.freeze({ ko: '미등록 카메라', en: 'NOT PROVISIONED' }),
  cannotRecord: Object.freeze({ ko: '녹화 불가', en: 'CANNOT RECORD' }),
  provisionHint: Object.freeze({ ko: '', en: 'chaincam provision' }),
  // The microSD card's conditions (record-codes.ts CARD_CONDITIONS 2-7): why nothing can be recorded.
  cardAbsent: Object.freeze({ ko: '카드 없음', en: 'NO SD CARD' }),
  cardUnformatted: Object.freeze({ ko: '카드 포맷 필요', en: 'UNFORMATTED CARD' }),
  cardFailing: Object.freeze({ ko: '카드 오류', en: 'CARD FAILING' }),
  cardFull: Object.freeze({ ko: '카드 가득 참', en: 'CARD FULL' }),
  cardRemoved: Object.freeze({ ko: '카드 분리됨', en: 'CARD REMOVED' }),
  cardForeign: Object.freeze({ ko: '타 카메라 카드', en: "OTHER CAM'S CARD" }),
} satisfies Record<string, SignWords>);

/** Printable ASCII: reasons, codes and elapsed time ("12:34") are written in it. */
export const SIGN_ASCII = (() => {
  let text = '';
  for (let code = 0x20; code < 0x7f; code++) text += String.fromCharCode(code);
  return text;
})();

/** Drawn for a character the sign font does not have. */
export const MISSING_GLYPH = '\uFFFD';
/** Drawn where a line is cut to fit the sign. */
export const ELLIPSIS = '\u2026';
