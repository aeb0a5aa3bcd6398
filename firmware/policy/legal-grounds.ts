// The nine grounds on which Art. 10-5(1) of the Act on the Performance of Duties
// by Police Officers (2024 revision) allows a body camera to record. Codes are
// the article's item numbers and travel in every chain record (docs/FORMAT.md);
// the short labels fit the camera's sign (16 px Hangul, 8 px Latin): at most 16
// Latin characters, the width of the 128-px SSD1306 sign.

export interface LegalGround {
  readonly code: number;
  /** Short Korean label for the sign. */
  readonly ko: string;
  /** Short English label for the sign. */
  readonly en: string;
}
// What each ground means, as reports print it, is the chain format's (firmware/format/record-codes.ts,
// docs/FORMAT.md section 11): the camera only shows the labels.

export const LEGAL_GROUNDS: readonly LegalGround[] = Object.freeze([
  { code: 1, ko: '체포·구속', en: 'Arrest/detention' },
  { code: 2, ko: '범죄 증거보전', en: 'Crime: evidence' },
  { code: 3, ko: '구조물 붕괴 위험', en: 'Collapse danger' },
  { code: 4, ko: '대상자 요청·동의', en: 'Request/consent' },
  { code: 5, ko: '긴급구호', en: 'Emergency relief' },
  { code: 6, ko: '범죄 예방·제지', en: 'Stopping a crime' },
  { code: 7, ko: '해상 검문·추적', en: 'Maritime pursuit' },
  { code: 8, ko: '해상 수색·구조', en: 'Maritime rescue' },
  { code: 9, ko: '대통령령 사유', en: 'Set by decree' },
].map((ground) => Object.freeze(ground)));

export function legalGround(code: number): LegalGround {
  const ground = LEGAL_GROUNDS[code - 1];
  if (!ground || ground.code !== code) throw new RangeError(`legal ground ${code} does not exist: Art. 10-5(1) has grounds 1 to 9`);
  return ground;
}
