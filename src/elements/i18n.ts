// User-interface strings in Swedish and English (instrument text comes from the definitions themselves).
import type { Language } from '../core/definition/text.js';
import type { IntegrityProblem } from '../core/storage/integrity.js';
import type { StorageErrorCode } from '../core/storage/types.js';

const STRINGS = {
  loading: { sv: 'Läser in intervjun…', en: 'Loading the interview…' },
  saving: { sv: 'Sparar…', en: 'Saving…' },
  saved: { sv: 'Sparat', en: 'Saved' },
  notSaved: { sv: 'Inte sparat', en: 'Not saved' },
  retry: { sv: 'Försök igen', en: 'Try again' },
  discard: { sv: 'Ångra svaret', en: 'Undo the answer' },
  saveFailed: {
    sv: 'Svaret kunde inte sparas. Inget har gått förlorat av det som redan sparats. {message}',
    en: 'The answer could not be saved. Nothing already saved is lost. {message}',
  },
  progress: { sv: '{answered} av {total} besvarade', en: '{answered} of {total} answered' },
  sections: { sv: 'Avsnitt', en: 'Sections' },
  back: { sv: 'Föregående', en: 'Previous' },
  next: { sv: 'Nästa', en: 'Next' },
  save: { sv: 'Spara svar', en: 'Save answer' },
  codeX: { sv: 'X inget svar', en: 'X not answered' },
  codeN: { sv: 'N ej tillämpligt', en: 'N not applicable' },
  keys: {
    sv: 'Enter sparar · PgUp föregående · PgDn nästa · X = inget svar · N = ej tillämpligt',
    en: 'Enter saves · PgUp previous · PgDn next · X = not answered · N = not applicable',
  },
  pause: { sv: 'Pausa', en: 'Pause' },
  paused: { sv: 'Intervjun är pausad. Alla svar är sparade.', en: 'The interview is paused. All answers are saved.' },
  resume: { sv: 'Fortsätt intervjun', en: 'Continue the interview' },
  terminate: { sv: 'Avbryt intervjun', en: 'End the interview early' },
  terminateReason: { sv: 'Orsak', en: 'Reason' },
  terminateConfirm: { sv: 'Avbryt intervjun', en: 'End the interview' },
  cancel: { sv: 'Tillbaka', en: 'Cancel' },
  reasonTerminated: { sv: 'Avbruten av intervjuaren', en: 'Ended by the interviewer' },
  reasonRefused: { sv: 'Klienten vill inte fortsätta', en: 'The client refused to continue' },
  reasonUnable: { sv: 'Klienten kan inte svara (språk, påverkan, kognition)', en: 'The client is unable to respond (language, intoxication, cognition)' },
  terminated: { sv: 'Intervjun avbröts: {reason}', en: 'The interview was ended early: {reason}' },
  end: { sv: 'Alla frågor är genomgångna', en: 'You have reached the end' },
  unanswered: { sv: 'Obesvarade frågor ({count}). Svara eller ange X eller N:', en: 'Unanswered questions ({count}). Answer them, or enter X or N:' },
  complete: { sv: 'Slutför intervjun', en: 'Complete the interview' },
  completed: { sv: 'Intervjun är slutförd.', en: 'The interview is complete.' },
  reopen: { sv: 'Öppna för rättelse', en: 'Reopen for correction' },
  reopenReason: { sv: 'Orsak till rättelsen', en: 'Reason for the correction' },
  scores: { sv: 'Resultat', en: 'Scores' },
  score: { sv: 'Mått', en: 'Score' },
  value: { sv: 'Värde', en: 'Value' },
  notComputable: { sv: 'kan inte beräknas (saknas: {items})', en: 'not computable (missing: {items})' },
  sinceLast: { sv: 'sedan förra intervjun', en: 'since the last interview' },
  sinceDate: { sv: 'sedan {date}', en: 'since {date}' },
  projectItem: { sv: 'projektets egen fråga', en: 'project’s own item' },
  localItem: { sv: 'lokal fråga', en: 'local question' },
  projectNotice: {
    sv: 'Frågorna i {title} är projektets egna, inte den licensierade frågeuppsättningen. Områden, omgångar och skalor följer den publicerade beskrivningen; en licensinnehavare kan lägga in de officiella frågorna som overlay.',
    en: 'The questions in {title} are the project’s own, not the licensed item set. Areas, rounds and scales follow the published description; a licence holder can supply the official items as an overlay.',
  },
  selfCodeX: { sv: 'Vill inte svara', en: 'I prefer not to answer' },
  selfKeys: { sv: 'Välj ett svar och tryck Enter, eller klicka på svaret.', en: 'Choose an answer and press Enter, or click the answer.' },
  selfDone: {
    sv: 'Tack för dina svar! Alla svar är sparade. Lämna tillbaka skärmen till personalen.',
    en: 'Thank you for your answers! Everything is saved. Please hand the screen back to the staff.',
  },
  selfStaffResults: { sv: 'För personalen: visa resultat', en: 'For staff: show the results' },
  selfIntro: { sv: 'Frågor att besvara själv', en: 'Questions to answer yourself' },
  summary: { sv: 'Sammanfattning för återkopplingssamtalet', en: 'Summary for the feedback meeting' },
  summaryHelp: {
    sv: 'Gå igenom sammanfattningen med klienten. Det som klienten rättar ändras här och sparas med orsak i ändringsloggen.',
    en: 'Go through the summary with the client. What the client corrects is changed here and kept, with the reason, in the audit trail.',
  },
  correct: { sv: 'Rätta', en: 'Correct' },
  clientCorrection: { sv: 'Klientens rättelse vid återkopplingssamtalet', en: 'Client’s correction at the feedback meeting' },
  finishCorrection: { sv: 'Spara rättelsen och avsluta', en: 'Save the correction and finish' },
  copySummary: { sv: 'Kopiera som text', en: 'Copy as text' },
  copied: { sv: 'Kopierat', en: 'Copied' },
  critical: { sv: 'nyckelfråga för bedömningen', en: 'key item for the rating' },
  autofilled: { sv: 'ifylld automatiskt', en: 'filled in automatically' },
  skipped: { sv: 'hoppas över', en: 'skipped' },
  demo: { sv: 'Demoformulär, inte för klinisk användning', en: 'Demo form, not for clinical use' },
  item: { sv: 'Nr', en: 'No.' },
  loadFailed: { sv: 'Intervjun kunde inte öppnas: {message}', en: 'The interview could not be opened: {message}' },
  warning: { sv: 'Kontrollera', en: 'Check' },
  timeframe30d: { sv: 'senaste 30 dagarna', en: 'past 30 days' },
  timeframe12m: { sv: 'senaste 12 månaderna', en: 'past 12 months' },
  timeframe3y: { sv: 'senaste 3 åren', en: 'past 3 years' },
  timeframelifetime: { sv: 'under livet', en: 'lifetime' },
  timeframecurrent: { sv: 'just nu', en: 'current' },
  timeframenow: { sv: 'nu', en: 'now' },
  years: { sv: 'år', en: 'years' },
  months: { sv: 'månader', en: 'months' },
  typeCode: { sv: 'Skriv koden och tryck Enter', en: 'Type the code and press Enter' },
  answer: { sv: 'Svar', en: 'Answer' },
  current: { sv: 'Nuvarande svar: {value}', en: 'Current answer: {value}' },
  lockedElsewhere: {
    sv: 'Intervjun är öppen i en annan flik eller ett annat fönster. Här visas svaren skrivskyddade, så att inga svar skrivs över; intervjun går att redigera här så fort den stängs där.',
    en: 'The interview is open in another tab or window. Its answers are shown here read-only, so that no answer is overwritten; it can be edited here as soon as it is closed there.',
  },
  lockedAnswers: { sv: 'Sparade svar ({count})', en: 'Saved answers ({count})' },
  lockedNoAnswers: { sv: 'Inga svar är sparade ännu.', en: 'No answers are saved yet.' },
  storageSuperseded: {
    sv: 'Appen har uppdaterats i en annan flik. Intervjun tar inte emot fler svar här, så att inget går förlorat – ladda om sidan för att fortsätta.',
    en: 'The app was updated in another tab. The interview takes no more answers here, so that nothing is lost — reload the page to continue.',
  },
  // A storage failure as the user reads it, chosen by StorageError.code (the core's English message is for developers).
  storageQuota: {
    sv: 'Lagringsutrymmet på enheten är fullt. Frigör utrymme eller exportera en säkerhetskopia.',
    en: 'The device storage is full. Free up space or export a backup.',
  },
  storageAborted: { sv: 'Det gick inte att skriva till den lokala lagringen. Försök igen.', en: 'Writing to local storage failed. Try again.' },
  storageClosed: {
    sv: 'Anslutningen till den lokala lagringen bröts eller har tagits över av en nyare version av appen. Ladda om sidan.',
    en: 'The connection to local storage was lost or taken over by a newer version of the app. Reload the page.',
  },
  storageNotFound: { sv: 'Uppgifterna finns inte i den lokala lagringen.', en: 'The record is not in local storage.' },
  storageInvalid: {
    sv: 'Uppgifterna kunde inte lagras: de stämmer inte med det som redan är sparat (till exempel ett id som redan används).',
    en: 'The data could not be stored: it does not fit what is already stored (for example an id already in use).',
  },
  storageBlocked: {
    sv: 'Lagringen kan inte uppgraderas medan appen är öppen i en annan flik. Stäng de andra flikarna och ladda om sidan.',
    en: 'Storage cannot be upgraded while the app is open in another tab. Close the other tabs and reload the page.',
  },
  storageLocked: {
    sv: 'Den lokala lagringen är krypterad och inte upplåst. Lås upp den och försök igen.',
    en: 'Local storage is encrypted and not unlocked. Unlock it and try again.',
  },
  storageIntegrity: {
    sv: 'En sparad uppgift klarade inte kontrollen av att den är oförändrad (den kan ha ändrats utanför appen). Inget ändras förrän varningen har kvitterats.',
    en: 'A stored record failed its integrity check (it may have been changed outside the app). Nothing changes until the warning is acknowledged.',
  },
  storageUnknown: { sv: 'Ett oväntat fel inträffade i den lokala lagringen.', en: 'An unexpected error occurred in local storage.' },
  review: { sv: 'Granska avsnittet', en: 'Review the section' },
  reviewTitle: { sv: 'Granskning: {section}', en: 'Review: {section}' },
  closeReview: { sv: 'Tillbaka till frågan', en: 'Back to the question' },
  goTo: { sv: 'Gå till', en: 'Go to' },
  question: { sv: 'Fråga', en: 'Question' },
  blank: { sv: 'obesvarad', en: 'blank' },
  profile: { sv: 'Profil', en: 'Profile' },
  area: { sv: 'Område', en: 'Area' },
  composite: { sv: 'Sammanvägt index (0–1)', en: 'Composite score (0–1)' },
  rating: { sv: 'Intervjuarens bedömning (0–9)', en: 'Interviewer rating (0–9)' },
  print: { sv: 'Skriv ut', en: 'Print' },
  profileChart: {
    sv: 'Diagram över index och bedömningar per område; samma värden finns i tabellen.',
    en: 'Chart of scores and ratings per area; the table holds the same values.',
  },
  keyItems: { sv: 'Underlag för bedömningen', en: 'What the rating rests on' },
  previous: { sv: 'Förra gången ({date}): {value}', en: 'Last time ({date}): {value}' },
  previousNone: { sv: 'Förra gången ({date}): inget svar', en: 'Last time ({date}): no answer' },
  showPrevious: { sv: 'Visa förra svaret (Alt+P)', en: 'Show the previous answer (Alt+P)' },
  theLastInterview: { sv: 'förra intervjun', en: 'the last interview' },
  interval: { sv: '≈ {months} mån efter föregående ({days} dagar)', en: '≈ {months} months after the previous ({days} days)' },
  compareRounds: { sv: 'Jämför omgångarna', en: 'Compare the rounds' },
  comparison: { sv: 'Jämförelse mellan omgångar', en: 'Comparison between rounds' },
  difference: { sv: 'Skillnad', en: 'Difference' },
  direction: { sv: 'Riktning', en: 'Direction' },
  better: { sv: 'bättre', en: 'better' },
  unchanged: { sv: 'oförändrat', en: 'unchanged' },
  worse: { sv: 'sämre', en: 'worse' },
  rci: { sv: 'Tillförlitlig förändring (RCI)', en: 'Reliable change (RCI)' },
  reliable: { sv: 'tillförlitlig förändring', en: 'reliable change' },
  withinError: { sv: 'inom mätfelet', en: 'within measurement error' },
  rciNotConfigured: { sv: 'ej inställd (SD eller reliabilitet saknas)', en: 'not configured (SD or reliability missing)' },
  rciNotApplicable: { sv: 'används inte för bedömningar', en: 'not used for ratings' },
  notComputableFirst: { sv: 'kan inte beräknas: värdet saknas i första omgången', en: 'not computable: the first round has no value' },
  notComputableLast: { sv: 'kan inte beräknas: värdet saknas i sista omgången', en: 'not computable: the last round has no value' },
  notComputableBoth: { sv: 'kan inte beräknas: värdet saknas i båda omgångarna', en: 'not computable: neither round has a value' },
  measure: { sv: 'Mått', en: 'Measure' },
  changedAnswers: { sv: 'Svar som ändrats mest', en: 'Answers that changed most' },
  noChangedAnswers: { sv: 'Inga svar har ändrats.', en: 'No answers changed.' },
  parameters: { sv: 'SD {sd}, reliabilitet {r} ({source})', en: 'SD {sd}, reliability {r} ({source})' },
  groupReport: { sv: 'Grupprapport', en: 'Group report' },
  filter: { sv: 'Urval', en: 'Filter' },
  all: { sv: 'Alla', en: 'All' },
  ageBand: { sv: 'Åldersgrupp', en: 'Age band' },
  primarySubstance: { sv: 'Primär substans', en: 'Primary substance' },
  from: { sv: 'Första omgång från', en: 'First round from' },
  to: { sv: 'till', en: 'to' },
  intervalMin: { sv: 'Minst antal månader mellan omgångar', en: 'At least months between rounds' },
  intervalMax: { sv: 'Högst antal månader', en: 'At most months' },
  groupBy: { sv: 'Dela upp efter', en: 'Group by' },
  none: { sv: 'Ingen uppdelning', en: 'No grouping' },
  apply: { sv: 'Visa', en: 'Show' },
  downloadCsv: { sv: 'Ladda ner tabellen (CSV)', en: 'Download the table (CSV)' },
  clientsInFilter: { sv: '{count} klienter i urvalet', en: '{count} clients in the filter' },
  n: { sv: 'n', en: 'n' },
  meanFirst: { sv: 'Medel första', en: 'Mean first' },
  meanLast: { sv: 'Medel sista', en: 'Mean last' },
  meanChange: { sv: 'Medelförändring', en: 'Mean change' },
  improved: { sv: 'Förbättrade', en: 'Improved' },
  worsened: { sv: 'Försämrade', en: 'Worsened' },
  missingCount: { sv: 'Saknas', en: 'Missing' },
  group: { sv: 'Grupp', en: 'Group' },
  data: { sv: 'Export och säkerhetskopia', en: 'Export and backup' },
  exportTitle: { sv: 'Exportera', en: 'Export' },
  exportScopeAll: { sv: 'alla klienter', en: 'all clients' },
  exportScopeSome: { sv: '{count} klient(er)', en: '{count} client(s)' },
  exportJson: { sv: 'Okrypterad säkerhetskopia (JSON)', en: 'Unencrypted backup (JSON)' },
  exportSealed: { sv: 'Krypterad säkerhetskopia', en: 'Encrypted backup' },
  exportSealedHelp: {
    sv: 'Säkerhetskopian krypteras med en lösenfras (minst 10 tecken) som behövs för att läsa in den igen. Förvara lösenfrasen skild från filen.',
    en: 'The backup is encrypted with a passphrase (at least 10 characters) that is needed to restore it. Keep the passphrase apart from the file.',
  },
  passphrase: { sv: 'Lösenfras', en: 'Passphrase' },
  passphraseRepeat: { sv: 'Lösenfras igen', en: 'Passphrase again' },
  passphraseMismatch: { sv: 'Lösenfraserna är inte lika.', en: 'The passphrases differ.' },
  passphraseShort: { sv: 'Lösenfrasen behöver minst 10 tecken.', en: 'The passphrase needs at least 10 characters.' },
  passphraseWrong: { sv: 'Fel lösenfras.', en: 'Wrong passphrase.' },
  exportSealedButton: { sv: 'Exportera krypterad säkerhetskopia', en: 'Export an encrypted backup' },
  exportPlainWarning: {
    sv: 'Okrypterade filer (JSON, CSV, FHIR) innehåller klientkoder, alla svar och fritext i klartext: den som får tag i filen kan läsa allt.',
    en: 'Unencrypted files (JSON, CSV, FHIR) hold client codes, every answer and free text in plain text: anyone who gets hold of the file can read all of it.',
  },
  exportChecking: { sv: 'Kontrollerar intervjuerna mot granskningsloggen…', en: 'Checking the interviews against their audit trail…' },
  exportIntegrity: {
    sv: 'Exporten stoppades: intervju {id} stämmer inte med sin granskningslogg ({problem}). Öppna intervjun och bekräfta varningen, eller återställ den från en säkerhetskopia.',
    en: 'The export was stopped: interview {id} does not match its audit trail ({problem}). Open the interview and acknowledge the warning, or restore it from a backup.',
  },
  importSealed: { sv: 'Säkerhetskopian är krypterad: skriv dess lösenfras.', en: 'The backup is encrypted: enter its passphrase.' },
  importPassphrase: { sv: 'Lösenfras (för en krypterad säkerhetskopia)', en: 'Passphrase (for an encrypted backup)' },
  importSealedDamaged: { sv: 'Den krypterade säkerhetskopian är skadad eller ändrad.', en: 'The encrypted backup is damaged or was changed.' },
  exportCsv: { sv: 'Tabell (CSV) med kodbok', en: 'Table (CSV) with codebook' },
  exportFhir: { sv: 'FHIR R4', en: 'FHIR R4' },
  importTitle: { sv: 'Läs in en säkerhetskopia', en: 'Restore from a backup' },
  importHelp: {
    sv: 'Allt kontrolleras först; vid minsta fel läses ingenting in.',
    en: 'Everything is checked first; on any error nothing is written.',
  },
  importFile: { sv: 'Fil (JSON)', en: 'File (JSON)' },
  importDone: { sv: 'Inläst: {clients} klienter, {interviews} intervjuer, {answers} svar.', en: 'Restored: {clients} clients, {interviews} interviews, {answers} answers.' },
  importFailed: { sv: 'Inget lästes in. Problem:', en: 'Nothing was written. Problems:' },
  importNothing: { sv: 'Inget lästes in.', en: 'Nothing was written.' },
  exportFailed: { sv: 'Exporten kunde inte göras.', en: 'The export could not be made.' },
  exported: { sv: 'Sparad: {file}', en: 'Saved: {file}' },
  privacyNote: {
    sv: 'Filerna innehåller känsliga uppgifter. Förvara dem som journalhandlingar.',
    en: 'The files hold sensitive data. Keep them as you keep case records.',
  },
  demoData: { sv: 'Demodata', en: 'Demo data' },
  demoDataHelp: {
    sv: 'Lägger till påhittade klienter (koder SIM-…) med ASI Grund och Uppföljning, för att visa jämförelser och grupprapporter. Använd inte i skarp drift.',
    en: 'Adds made-up clients (codes SIM-…) with ASI Grund and Uppföljning, to show comparisons and group reports. Not for live use.',
  },
  demoDataLoad: { sv: 'Lägg till {count} påhittade klienter', en: 'Add {count} made-up clients' },
  demoDataBusy: { sv: 'Skapar demodata…', en: 'Creating demo data…' },
  instrumentVersion: { sv: 'Formulärversion', en: 'Instrument version' },
  exportSelected: { sv: 'Exportera markerade ({count})', en: 'Export selected ({count})' },
  select: { sv: 'Markera {code}', en: 'Select {code}' },
  clients: { sv: 'Klienter', en: 'Clients' },
  newClient: { sv: 'Ny klient', en: 'New client' },
  clientCode: { sv: 'Klientkod (pseudonym)', en: 'Client code (pseudonym)' },
  clientCodeHelp: {
    sv: 'Använd en kod, aldrig namn eller personnummer.',
    en: 'Use a code, never a name or personal identity number.',
  },
  sex: { sv: 'Kön', en: 'Sex' },
  female: { sv: 'Kvinna', en: 'Female' },
  male: { sv: 'Man', en: 'Male' },
  other: { sv: 'Annat', en: 'Other' },
  unknownSex: { sv: 'Okänt', en: 'Unknown' },
  birthYear: { sv: 'Födelseår', en: 'Year of birth' },
  addClient: { sv: 'Lägg till klient', en: 'Add client' },
  open: { sv: 'Öppna', en: 'Open' },
  noClients: { sv: 'Inga klienter ännu.', en: 'No clients yet.' },
  codeTaken: { sv: 'Koden används redan', en: 'That code is already in use' },
  codeInvalid: { sv: 'Använd 1–32 tecken: bokstäver, siffror, - och _', en: 'Use 1–32 characters: letters, digits, - and _' },
  yearInvalid: { sv: 'Ange ett år mellan 1900 och i år', en: 'Enter a year between 1900 and this year' },
  interviews: { sv: 'Intervjuer', en: 'Interviews' },
  startRound: { sv: 'Starta en intervju', en: 'Start an interview' },
  instrument: { sv: 'Formulär', en: 'Instrument' },
  selfMode: { sv: 'Klienten svarar själv på skärmen', en: 'The client answers on the screen' },
  round: { sv: 'Omgång', en: 'Round' },
  start: { sv: 'Starta', en: 'Start' },
  continue: { sv: 'Fortsätt', en: 'Continue' },
  view: { sv: 'Visa', en: 'View' },
  noInterviews: { sv: 'Inga intervjuer ännu.', en: 'No interviews yet.' },
  status: { sv: 'Status', en: 'Status' },
  started: { sv: 'Startad', en: 'Started' },
  statusin_progress: { sv: 'Pågår', en: 'In progress' },
  statuspaused: { sv: 'Pausad', en: 'Paused' },
  statuscompleted: { sv: 'Slutförd', en: 'Completed' },
  statusterminated: { sv: 'Avbruten', en: 'Ended early' },
  // Results profile and comparison: scores with their own ranges, and what their cut-offs say.
  scoreLegend: { sv: 'Poäng', en: 'Score' },
  ratingRange: { sv: 'Skattning {min}–{max}', en: 'Rating {min}–{max}' },
  result: { sv: 'Resultat', en: 'Result' },
  ofMax: { sv: '{value} av {max}', en: '{value} of {max}' },
  cutoffBelow: { sv: 'under gränsvärdet ({min} eller mer)', en: 'below the cut-off ({min} or more)' },
  cutoffBelowNeutral: {
    sv: 'under de gränsvärden som gäller oavsett kön ({min} eller mer)',
    en: 'below the cut-offs that apply whatever the sex ({min} or more)',
  },
  cutoffNone: { sv: 'inom inget av gränsvärdenas intervall', en: 'within none of the cut-off ranges' },
  cutoffSexUnknown: {
    sv: 'Kön okänt: de könsspecifika gränsvärdena kan inte tillämpas',
    en: 'Sex unknown: the sex-specific cut-offs cannot be applied',
  },
  integrityTitle: { sv: 'Varning: uppgifterna har ändrats utanför appen', en: 'Warning: the data was changed outside the app' },
  integrityIntro: {
    sv: 'Intervju {id} stämmer inte med sin granskningslogg. Den kan inte redigeras förrän en ansvarig person har sett varningen och bekräftat den; bekräftelsen sparas i granskningsloggen.',
    en: 'Interview {id} does not match its audit trail. It cannot be edited until a responsible person has seen this warning and acknowledged it; the acknowledgement is kept in the audit trail.',
  },
  integrityFirstEvent: { sv: 'Första felaktiga händelse i loggen: nr {n}.', en: 'First bad event in the log: number {n}.' },
  integrityChain: { sv: 'Händelse {n} i granskningsloggen har ändrats, tagits bort eller flyttats.', en: 'Audit event {n} was changed, removed or moved.' },
  integrityMissing: { sv: 'De sista {count} händelserna i granskningsloggen saknas ({found} av {expected}).', en: 'The last {count} audit events are missing ({found} of {expected}).' },
  integrityAdded: { sv: '{count} händelser har lagts till i granskningsloggen utanför appen.', en: '{count} audit events were added outside the app.' },
  integrityAnswer: { sv: 'Det sparade svaret på {item} skiljer sig från granskningsloggen.', en: 'The stored answer to {item} differs from the audit trail.' },
  integrityUnreadable: { sv: '{record} kan inte läsas (ändrad eller skadad).', en: '{record} cannot be read (changed or damaged).' },
  integrityRestore: {
    sv: 'Poster som inte kan läsas kan inte bekräftas. Återställ intervjun från en säkerhetskopia.',
    en: 'Records that cannot be read cannot be acknowledged. Restore the interview from a backup.',
  },
  integrityReason: { sv: 'Kommentar (sparas i granskningsloggen)', en: 'Comment (kept in the audit trail)' },
  integrityAcknowledge: { sv: 'Jag har sett varningen – bekräfta och fortsätt', en: 'I have seen the warning – acknowledge and continue' },
  cutoffSexOther: {
    sv: 'Kön annat än kvinna eller man: de könsspecifika gränsvärdena kan inte tillämpas',
    en: 'Sex other than female or male: the sex-specific cut-offs cannot be applied',
  },
} as const;

export type MessageKey = keyof typeof STRINGS;

export function t(lang: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  return STRINGS[key][lang].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/**
 * The message for each StorageError code. 'locked' and 'integrity' are named as well because encryption at rest adds
 * them to StorageErrorCode; the type then still requires a message for every code.
 */
const STORAGE_MESSAGES: Readonly<Record<StorageErrorCode | 'locked' | 'integrity', MessageKey>> = {
  quota: 'storageQuota',
  aborted: 'storageAborted',
  closed: 'storageClosed',
  'not-found': 'storageNotFound',
  invalid: 'storageInvalid',
  blocked: 'storageBlocked',
  locked: 'storageLocked',
  integrity: 'storageIntegrity',
  unknown: 'storageUnknown',
};

/**
 * What to show for a failure: a storage failure (a StorageError, or the `{ code, message }` the interview machine keeps)
 * in the user's language by its code; anything else by its own message.
 */
export function errorMessage(lang: Language, error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && Object.hasOwn(STORAGE_MESSAGES, code)) return t(lang, STORAGE_MESSAGES[code as keyof typeof STORAGE_MESSAGES]);
  if (error instanceof Error) return error.message;
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** One integrity problem in plain words (see InterviewStore.verifyInterview). */
export function integrityLine(lang: Language, p: IntegrityProblem): string {
  switch (p.kind) {
    case 'chain':
      return t(lang, 'integrityChain', { n: p.index + 1 });
    case 'events-missing':
      return p.found < p.expected
        ? t(lang, 'integrityMissing', { count: p.expected - p.found, found: p.found, expected: p.expected })
        : t(lang, 'integrityAdded', { count: p.found - p.expected });
    case 'answer':
      return t(lang, 'integrityAnswer', { item: p.itemId });
    case 'unreadable':
      return t(lang, 'integrityUnreadable', { record: p.record });
  }
}
