import { useEffect, useId, useRef, useState, type SyntheticEvent } from "react";
import { Button, FieldError, FileTrigger, Form, Input, Label, Text, TextArea, TextField } from "react-aria-components";

import { ApiError } from "../../lib/api";
import { BusyButton, ErrorMessage, Loading } from "../../lib/ui";
import { useMe, type Me } from "../accounts";
import { useProfile, useSaveProfile, useUploadPicture, type Profile } from "./api";
import { MIN_PICTURE_SIDE, PICTURE_TYPES, profilePicture } from "./picture";
import {
  changesOf,
  characters,
  formOf,
  LIMITS,
  problemsOf,
  serverProblemsOf,
  VERTICAL_NAMES,
  VERTICALS,
  type ProfileField,
  type ProfileForm,
} from "./profile";
import { Row } from "./Row";
import "./profile.css";

/** Who may change a client's business profiles (`x-hub-access` of `PATCH …/profile`): its users, and partners it
 * granted `profile:write`; support agents and other partners read it. */
function mayChangeProfile(me: Me, clientId: string): boolean {
  if (me.role === "client") return true;
  if (me.role === "partner") {
    return (me.grants ?? []).some((grant) => grant.client_id === clientId && grant.scopes.includes("profile:write"));
  }
  return false;
}

/**
 * The number's business profile (seed, "WABA Manager → Profile"): its picture and texts as Meta has them, which the
 * client (or a partner it granted `profile:write`) changes here; Meta's limits show while typing.
 */
export function ProfileSection({ numberId, clientId }: { numberId: string; clientId: string }) {
  const profile = useProfile(numberId);
  const me = useMe();
  const mayChange = me.data ? mayChangeProfile(me.data, clientId) : false;
  return (
    <section aria-labelledby="profile-heading" className="card profile">
      <h2 id="profile-heading">Profile</h2>
      {profile.isPending ? <Loading>Loading the business profile…</Loading> : null}
      {profile.isError ? <ErrorMessage error={profile.error} title="The business profile could not be loaded" /> : null}
      {profile.data ? (
        <>
          {profile.data.stale ? (
            <p role="status" className="notice">
              Meta could not be reached: this is the profile as the hub kept it
              {profile.data.fetched_at ? ` on ${new Date(profile.data.fetched_at).toLocaleString()}` : ""}.
            </p>
          ) : null}
          <ProfilePicture numberId={numberId} url={profile.data.profile_picture_url} mayChange={mayChange} />
          <h3>Business information</h3>
          {mayChange ? (
            <ProfileEditor numberId={numberId} profile={profile.data} />
          ) : (
            <ProfileFields profile={profile.data} />
          )}
        </>
      ) : null}
    </section>
  );
}

function ProfileFields({ profile }: { profile: Profile }) {
  const websites = profile.websites ?? [];
  return (
    <dl className="fields">
      <Row name="About">{profile.about ?? "Not set"}</Row>
      <Row name="Address">{profile.address ?? "Not set"}</Row>
      <Row name="Description">{profile.description ?? "Not set"}</Row>
      <Row name="Email">{profile.email ?? "Not set"}</Row>
      <Row name="Websites">
        {websites.length > 0
          ? websites.map((website) => (
              <span key={website} className="block">
                {website}
              </span>
            ))
          : "Not set"}
      </Row>
      <Row name="Industry">{profile.vertical_name ?? "Not set"}</Row>
    </dl>
  );
}

/** The profile's form: only what changed is sent, and Save waits until Meta would take every field. */
function ProfileEditor({ numberId, profile }: { numberId: string; profile: Profile }) {
  const save = useSaveProfile(numberId);
  const [form, setForm] = useState<ProfileForm>(() => formOf(profile));
  // fields changed since the last Save: the API's words about them are old
  const [edited, setEdited] = useState<ProfileField[]>([]);
  const verticalId = useId();
  const verticalErrorId = useId();

  const problems = problemsOf(form);
  const refused = serverProblemsOf(save.error);
  const problemOf = (field: ProfileField) => problems[field] ?? (edited.includes(field) ? undefined : refused[field]);
  const change = changesOf(profile, form);
  const changed = Object.keys(change).length > 0;
  const valid = Object.keys(problems).length === 0;

  function edit<K extends keyof ProfileForm>(key: K, field: ProfileField, value: ProfileForm[K]) {
    setForm((before) => ({ ...before, [key]: value }));
    if (!edited.includes(field)) setEdited([...edited, field]);
  }

  function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!valid || !changed || save.isPending) return;
    setEdited([]);
    save.mutate(change, {
      onSuccess: (saved) => {
        setForm(formOf(saved));
      },
    });
  }

  const verticalProblem = problemOf("vertical");
  return (
    <Form onSubmit={submit} validationBehavior="aria" className="form" aria-label="Business information">
      <Counted
        label="About"
        hint="Required: the short text WhatsApp shows on the business's profile."
        value={form.about}
        limit={LIMITS.about}
        problem={problemOf("about")}
        onChange={(value) => {
          edit("about", "about", value);
        }}
        isRequired
      />
      <Counted
        label="Address"
        value={form.address}
        limit={LIMITS.address}
        problem={problemOf("address")}
        onChange={(value) => {
          edit("address", "address", value);
        }}
      />
      <Counted
        label="Description"
        value={form.description}
        limit={LIMITS.description}
        problem={problemOf("description")}
        onChange={(value) => {
          edit("description", "description", value);
        }}
        multiline
      />
      <Counted
        label="Email"
        type="email"
        value={form.email}
        limit={LIMITS.email}
        problem={problemOf("email")}
        onChange={(value) => {
          edit("email", "email", value);
        }}
      />
      {([0, 1] as const).map((index) => (
        <Counted
          key={index}
          label={index === 0 ? "Website" : "Second website"}
          hint="Starting with http:// or https://."
          type="url"
          value={form.websites[index]}
          limit={LIMITS.website}
          problem={problemOf(index === 0 ? "websites[0]" : "websites[1]")}
          onChange={(value) => {
            const websites: [string, string] = index === 0 ? [value, form.websites[1]] : [form.websites[0], value];
            edit("websites", index === 0 ? "websites[0]" : "websites[1]", websites);
          }}
        />
      ))}
      <div className="field">
        <label htmlFor={verticalId}>Industry</label>
        <select
          id={verticalId}
          value={form.vertical}
          onChange={(event) => {
            const chosen = event.target.value;
            edit("vertical", "vertical", VERTICALS.find((vertical) => vertical === chosen) ?? "");
          }}
          aria-invalid={verticalProblem ? true : undefined}
          aria-describedby={verticalProblem ? verticalErrorId : undefined}
        >
          <option value="">Not set</option>
          {VERTICALS.map((vertical) => (
            <option key={vertical} value={vertical}>
              {VERTICAL_NAMES[vertical]}
            </option>
          ))}
        </select>
        {verticalProblem ? (
          <p id={verticalErrorId} className="field-error">
            {verticalProblem}
          </p>
        ) : null}
      </div>
      {save.isError && edited.length === 0 ? (
        <ErrorMessage error={save.error} title="The profile was not saved" />
      ) : null}
      {save.isPending ? <Loading>Saving the profile at Meta…</Loading> : null}
      {save.isSuccess && edited.length === 0 ? <p role="status">The profile was saved at Meta.</p> : null}
      {!valid ? <p className="muted small">Correct the fields marked above to save the profile.</p> : null}
      <div className="form-actions">
        <BusyButton
          type="submit"
          className="button primary"
          isBusy={save.isPending}
          busyLabel="Saving…"
          isDisabled={!valid || !changed}
        >
          Save
        </BusyButton>
        <Button
          className="button"
          isDisabled={!changed || save.isPending}
          onPress={() => {
            setForm(formOf(profile));
            setEdited([]);
            save.reset();
          }}
        >
          Discard changes
        </Button>
      </div>
    </Form>
  );
}

/** A text field of the profile with its count of characters against Meta's limit under it ("12 / 139"). */
function Counted({
  label,
  hint,
  value,
  limit,
  problem,
  onChange,
  type = "text",
  multiline = false,
  isRequired = false,
}: {
  label: string;
  hint?: string;
  value: string;
  limit: number;
  problem: string | undefined;
  onChange: (value: string) => void;
  type?: "text" | "email" | "url";
  multiline?: boolean;
  isRequired?: boolean;
}) {
  return (
    <TextField
      value={value}
      onChange={onChange}
      type={type}
      isRequired={isRequired}
      isInvalid={problem !== undefined}
      className="field"
    >
      <Label>{label}</Label>
      {multiline ? <TextArea rows={4} /> : <Input />}
      <Text slot="description">
        {hint ? `${hint} ` : null}
        <span className="counter">
          {characters(value)} / {limit}
        </span>
      </Text>
      <FieldError className="field-error">{problem}</FieldError>
    </TextField>
  );
}

interface Chosen {
  name: string;
  picture: Blob;
  preview: string;
}

/**
 * The profile picture, shown round as WhatsApp shows it. A chosen JPEG or PNG is cut to its middle square and scaled
 * to 640 × 640 pixels in the browser, shown as a preview, and sent only on Upload.
 */
function ProfilePicture({
  numberId,
  url,
  mayChange,
}: {
  numberId: string;
  url: string | null | undefined;
  mayChange: boolean;
}) {
  const upload = useUploadPicture(numberId);
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [refusal, setRefusal] = useState<unknown>(null);
  const [preparing, setPreparing] = useState(false);
  const chooseButton = useRef<HTMLButtonElement>(null);
  const outcome = useRef<HTMLDivElement>(null);
  // a chosen picture's preview lives as long as the choice
  useEffect(() => {
    if (!chosen) return;
    const preview = chosen.preview;
    return () => {
      URL.revokeObjectURL(preview);
    };
  }, [chosen]);

  async function choose(files: FileList | null) {
    const file = files?.[0];
    if (!file) return;
    upload.reset();
    setRefusal(null);
    setChosen(null);
    setPreparing(true);
    try {
      const picture = await profilePicture(file);
      setChosen({ name: file.name, picture, preview: URL.createObjectURL(picture) });
    } catch (error) {
      setRefusal(error);
    } finally {
      setPreparing(false);
    }
  }

  const pictureErrors = upload.error instanceof ApiError ? upload.error.fieldErrors("picture") : [];
  return (
    <div className="picture">
      <h3>Profile picture</h3>
      <div className="pictures">
        {url ? (
          <img src={url} alt="Current profile avatar" className="avatar" width={128} height={128} />
        ) : (
          <span className="avatar avatar-empty">No picture</span>
        )}
        {chosen ? (
          <img
            src={chosen.preview}
            alt={`Preview of the new profile avatar, from “${chosen.name}”`}
            className="avatar"
            width={128}
            height={128}
          />
        ) : null}
      </div>
      <div ref={outcome} tabIndex={-1} role="status" aria-label="Your picture" className="outcome">
        {chosen ? (
          <p>
            The new picture, as WhatsApp will show it: the middle of “{chosen.name}”, 640 × 640 pixels. Upload it to
            make it the profile picture.
          </p>
        ) : null}
        {upload.isSuccess ? <p>The new profile picture was saved at Meta.</p> : null}
        {preparing ? <p>Preparing the picture…</p> : null}
      </div>
      {refusal ? <ErrorMessage error={refusal} title="This picture cannot be used" /> : null}
      {upload.isError ? (
        <div className="upload-error">
          <ErrorMessage error={upload.error} title="The picture was not uploaded" />
          {pictureErrors.length > 0 ? <p className="field-error">{pictureErrors.join(" ")}</p> : null}
        </div>
      ) : null}
      {mayChange ? (
        <div className="form-actions">
          <FileTrigger
            acceptedFileTypes={PICTURE_TYPES}
            onSelect={(files) => {
              void choose(files);
            }}
          >
            <Button className="button" ref={chooseButton} isDisabled={preparing || upload.isPending}>
              {chosen ? "Choose another picture" : url ? "Choose a new picture" : "Choose a picture"}
            </Button>
          </FileTrigger>
          {chosen ? (
            <>
              <BusyButton
                className="button primary"
                isBusy={upload.isPending}
                busyLabel="Uploading…"
                onPress={() => {
                  upload.mutate(chosen.picture, {
                    onSuccess: () => {
                      setChosen(null);
                      outcome.current?.focus();
                    },
                  });
                }}
              >
                Upload
              </BusyButton>
              <Button
                className="button"
                isDisabled={upload.isPending}
                onPress={() => {
                  setChosen(null);
                  upload.reset();
                  chooseButton.current?.focus();
                }}
              >
                Cancel
              </Button>
            </>
          ) : null}
        </div>
      ) : null}
      {mayChange ? (
        <p className="muted small">
          A JPEG or PNG of at least {MIN_PICTURE_SIDE} × {MIN_PICTURE_SIDE} pixels; its middle square becomes the
          picture.
        </p>
      ) : null}
    </div>
  );
}
