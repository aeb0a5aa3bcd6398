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
  /** The ground as the article states it (summarised), for reports. */
  readonly description: string;
}

export const LEGAL_GROUNDS: readonly LegalGround[] = Object.freeze([
  { code: 1, ko: '체포·구속', en: 'Arrest/detention', description: 'arrest or detention under the Criminal Procedure Act' },
  { code: 2, ko: '범죄 증거보전', en: 'Crime: evidence', description: 'investigating a crime under way, imminent or just committed when evidence must be preserved urgently' },
  { code: 3, ko: '구조물 붕괴 위험', en: 'Collapse danger', description: 'danger from a damaged or collapsing structure' },
  { code: 4, ko: '대상자 요청·동의', en: 'Request/consent', description: 'the person recorded asks for or consents to it' },
  { code: 5, ko: '긴급구호', en: 'Emergency relief', description: 'emergency protection' },
  { code: 6, ko: '범죄 예방·제지', en: 'Stopping a crime', description: 'urgently preventing or stopping a crime that threatens life, body or major property' },
  { code: 7, ko: '해상 검문·추적', en: 'Maritime pursuit', description: 'maritime inspection or pursuit' },
  { code: 8, ko: '해상 수색·구조', en: 'Maritime rescue', description: 'maritime search and rescue' },
  { code: 9, ko: '대통령령 사유', en: 'Set by decree', description: 'other cases set by presidential decree' },
].map((ground) => Object.freeze(ground)));

export function legalGround(code: number): LegalGround {
  const ground = LEGAL_GROUNDS[code - 1];
  if (!ground || ground.code !== code) throw new RangeError(`legal ground ${code} does not exist: Art. 10-5(1) has grounds 1 to 9`);
  return ground;
}
