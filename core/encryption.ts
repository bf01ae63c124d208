import * as z from 'zod';

/** How the data key is kept: by the system keychain (desktop) or under a key derived from a passphrase. */
export const encryptionMethods = ['keychain', 'passphrase'] as const;
export type EncryptionMethod = (typeof encryptionMethods)[number];

export const minPassphraseLength = 8;
const maxPassphraseLength = 1024;

/** What a facilitator types to open the sessions: any passphrase, as it was set. */
export const passphraseSchema = z.string().min(1, 'type the passphrase').max(maxPassphraseLength);
/** A passphrase being set: long enough that guessing it, even offline, takes long. */
export const newPassphraseSchema = z
  .string()
  .min(minPassphraseLength, `a passphrase has at least ${minPassphraseLength} characters (a few words are easiest to remember)`)
  .max(maxPassphraseLength);

export const encryptionStatusSchema = z.strictObject({
  /** The sessions in this data folder are encrypted (or being encrypted or decrypted). */
  enabled: z.boolean(),
  /** Sessions cannot be read or written until the passphrase is entered (or the keychain opens). */
  locked: z.boolean(),
  method: z.enum(encryptionMethods).nullable(),
  /** This host can keep the key in the system keychain (the desktop app, with a secure keyring). */
  keychainAvailable: z.boolean(),
  /** Why the keychain cannot be used here, in words a facilitator can read. */
  keychainProblem: z.string().optional(),
  /** Encryption is being turned on or off and not every session is converted yet (a conversion runs, or resumes at the next start). */
  unfinished: z.enum(['encrypt', 'decrypt']).optional(),
  /** Set while existing sessions are being encrypted or decrypted. */
  progress: z
    .strictObject({ direction: z.enum(['encrypt', 'decrypt']), done: z.number().int().min(0), total: z.number().int().min(0) })
    .optional(),
  /** Why the sessions are locked or a conversion stopped, when there is more to say than "enter the passphrase". */
  problem: z.string().optional(),
});
export type EncryptionStatus = z.infer<typeof encryptionStatusSchema>;

export const enableEncryptionSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('keychain') }),
  z.strictObject({ method: z.literal('passphrase'), passphrase: newPassphraseSchema }),
]);
export type EnableEncryptionRequest = z.infer<typeof enableEncryptionSchema>;

export const unlockEncryptionSchema = z.strictObject({ passphrase: passphraseSchema });

export const changePassphraseSchema = z.strictObject({ current: passphraseSchema, next: newPassphraseSchema });

/** Turning encryption off decrypts every session; with a passphrase, it must be typed again to confirm. */
export const disableEncryptionSchema = z.strictObject({ passphrase: passphraseSchema.optional() });
